import type { Stats } from 'node:fs'

/**
 * Whether a drive's root, as just stat'ed, is still the drive a backup started with. Once a drive is
 * unplugged its mount point is an empty folder of the laptop's own disk (or gone): writing there would fill
 * the system disk with a "backup" that is on no drive.
 */
export function isStillTheDrive(root: Stats | undefined, device: number): boolean {
  return root !== undefined && root.isDirectory() && root.dev === device
}
