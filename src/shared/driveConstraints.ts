import type { Drive } from './storage.js'

/**
 * The rules that keep the laptop's own disk out of harm's way (balenaEtcher's drive-constraints idea).
 * Linux: drivelist reads `lsblk --json`, and a drive is "system" when it is neither removable nor virtual;
 * a drive that holds `/` (or C:\) is system whatever its flags say.
 */
const SYSTEM_MOUNTPOINTS = new Set(['/', '/boot', '/boot/efi', '/usr', '/var', '/home', 'C:\\', 'C:'])

export function isSystemDrive(drive: Pick<Drive, 'isSystem' | 'mountpoints'>): boolean {
  return drive.isSystem || drive.mountpoints.some((mount) => SYSTEM_MOUNTPOINTS.has(mount.path))
}

/** A backup must land on a mounted, writable, non-system drive. */
export function mayBeBackupDestination(drive: Drive): boolean {
  return !isSystemDrive(drive) && !drive.isReadOnly && drive.mountpoints.length > 0
}

/** Mount points of system drives: what cleanup must never take as a card. */
export function systemMountpoints(drives: readonly Drive[]): string[] {
  return drives.filter(isSystemDrive).flatMap((drive) => drive.mountpoints.map((mount) => mount.path))
}
