import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FolderListing } from '../../shared/folderBrowser.js'
import { isSystemDrive } from '../../shared/driveConstraints.js'
import { CompanionError, errnoCode } from '../errors.js'
import { listDrives } from '../storage/drives.js'
import { isInside } from '../storage/safety.js'

/** The places a folder may be picked from: the user's home folder and each removable drive's mount points. */
async function places(): Promise<{ path: string; name: string }[]> {
  const drives = await listDrives().catch(() => [])
  const mounts = drives
    .filter((drive) => !isSystemDrive(drive))
    .flatMap((drive) =>
      drive.mountpoints.map((mount) => ({ path: mount.path, name: mount.label ?? mount.path })),
    )
  return [{ path: os.homedir(), name: 'Home folder' }, ...mounts]
}

/**
 * Lists the folders in `folder` (no hidden ones), or the places when none is given. A folder outside every
 * place is refused: the browser shows the laptop's drives to a page, never its system.
 */
export async function listFolders(folder: string | undefined): Promise<FolderListing> {
  const roots = await places()
  if (folder === undefined) return { folders: roots }
  const real = await fsp.realpath(folder).catch((error: unknown) => {
    throw new CompanionError('SOURCE_NOT_FOUND', `${folder} is not there (${errnoCode(error) ?? 'error'})`)
  })
  const realRoots = await Promise.all(
    roots.map(async (root) => ({ ...root, real: await fsp.realpath(root.path).catch(() => root.path) })),
  )
  const place = realRoots.find((root) => real === root.real || isInside(root.real, real))
  if (!place) {
    throw new CompanionError(
      'PATH_OUTSIDE_SOURCE',
      `${folder} is outside the home folder and the removable drives: pick a folder on one of them`,
    )
  }
  const entries = await fsp.readdir(real, { withFileTypes: true })
  const folders = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => ({ path: path.join(real, entry.name), name: entry.name }))
    .sort((a, b) => a.name.localeCompare(b.name))
  return { path: real, ...(real === place.real ? {} : { parent: path.dirname(real) }), folders }
}
