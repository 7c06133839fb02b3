import fsp from 'node:fs/promises'
import path from 'node:path'
import type { RawDrive } from './drives.js'

/**
 * TEST HOOK, for the end-to-end tests only: when the environment variable `CREATUREBOX_TEST_DRIVES_DIR`
 * names a folder, each folder inside it is reported as one more removable drive mounted there, next to
 * what drivelist finds. Moving a fixture card into that folder is then a card being inserted, and the drive
 * watcher, the Sources screen and automatic backup on insert see it exactly as they would see a real card.
 * Without the variable (the app as users run it) nothing changes.
 */
export const SIMULATED_DRIVES_ENV = 'CREATUREBOX_TEST_DRIVES_DIR'

export async function listSimulatedDrives(
  folder: string | undefined = process.env[SIMULATED_DRIVES_ENV],
): Promise<RawDrive[]> {
  if (!folder) return []
  const entries = await fsp.readdir(folder, { withFileTypes: true }).catch(() => [])
  const drives = entries
    .filter((entry) => entry.isDirectory())
    .map(async (entry): Promise<RawDrive> => {
      const mountpoint = path.join(folder, entry.name)
      const stats = await fsp.statfs(mountpoint)
      return {
        device: `simulated:${entry.name}`,
        description: `Simulated drive ${entry.name} (test)`,
        size: stats.blocks * stats.bsize,
        mountpoints: [{ path: mountpoint, label: entry.name }],
        isSystem: false,
        isRemovable: true,
        isReadOnly: false,
        isVirtual: false,
      }
    })
  // A folder moved away between the listing and its statfs was simply unplugged: leave it out.
  return (await Promise.allSettled(drives)).flatMap((drive) =>
    drive.status === 'fulfilled' ? [drive.value] : [],
  )
}

/**
 * TEST HOOK: the simulated drive a path lies on (`simulated:<name>`), or undefined outside them (and always
 * without the variable). Simulated drives share the test machine's one file system, so whatever tells drives
 * apart by device must ask this first.
 */
export function simulatedDriveOf(
  location: string,
  folder: string | undefined = process.env[SIMULATED_DRIVES_ENV],
): string | undefined {
  if (!folder) return undefined
  const relative = path.relative(path.resolve(folder), path.resolve(location))
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined
  return `simulated:${relative.split(path.sep)[0]}`
}
