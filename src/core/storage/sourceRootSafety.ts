import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { CompanionError } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import { walkSource } from '../sources/walkSource.js'
import { type RootAction, UNSAFE_ROOT_MESSAGES, unsafeCleanupRootReason } from './cleanupSafety.js'
import { MANIFEST_FILE } from './manifest.js'

/**
 * May cleanup or organize change files under this source's root? The rules are the pure ones of
 * cleanupSafety.ts (`/`, system folders and drives, the home folder and what holds it); this applies them to
 * a source as it is. Returns the root of a local source.
 */
export async function assertSafeSourceRoot(
  source: PhotoSource,
  action: RootAction,
  options: { home?: string; systemMountpoints?: readonly string[] } = {},
): Promise<string | undefined> {
  const systemMountpoints = options.systemMountpoints ?? ['/']
  const refuse = (root: string, reason: keyof typeof UNSAFE_ROOT_MESSAGES): never => {
    throw new CompanionError('UNSAFE_SOURCE_ROOT', UNSAFE_ROOT_MESSAGES[reason](root, action), {
      details: { root, reason },
    })
  }
  const root = source.features.localRoot
  if (root !== undefined) {
    // Symlinks are resolved too, so a link to the home folder is refused like the folder itself.
    const home = options.home ?? os.homedir()
    const homes = [home, await realpathOr(home)]
    for (const candidate of new Set([root, await realpathOr(root)])) {
      for (const homePath of homes) {
        const reason = unsafeCleanupRootReason(candidate, { home: homePath, systemMountpoints })
        if (reason) refuse(candidate, reason)
      }
    }
    return root
  }
  // A box: its root and home as the box itself resolved them when the source was opened.
  const { remote } = source.features
  const { displayRoot } = await source.identity()
  if (remote === undefined) return refuse(displayRoot, 'NOT_ABSOLUTE')
  const reason = unsafeCleanupRootReason(remote.root, { home: remote.home, systemMountpoints: ['/'] })
  if (reason) refuse(displayRoot, reason)
  return undefined
}

/**
 * Organize moves photos and deletes "duplicates": run on a folder that holds a backup made by this app (or
 * on a folder inside one), it would rearrange the backup and delete its copies. Such a root is refused,
 * naming the manifest found. Unreadable folders cannot hold a manifest that organize could touch.
 */
export async function assertNoBackupInside(source: PhotoSource, signal?: AbortSignal): Promise<void> {
  const refuse = (manifest: string): never => {
    throw new CompanionError(
      'BACKUP_INSIDE_SOURCE',
      `${manifest} belongs to a backup made by this app: organize never rearranges a backup. Organize the card itself`,
      { details: { manifest } },
    )
  }
  const root = source.features.localRoot
  if (root !== undefined) {
    for (let folder = path.dirname(root); ; folder = path.dirname(folder)) {
      const manifest = path.join(folder, MANIFEST_FILE)
      if (await isFile(manifest)) refuse(manifest)
      if (path.dirname(folder) === folder) break
    }
  }
  for await (const file of walkSource(source, { signal, onUnreadable: () => undefined })) {
    if (file.path === MANIFEST_FILE || file.path.endsWith(`/${MANIFEST_FILE}`)) {
      refuse(root === undefined ? file.path : path.join(root, file.path))
    }
  }
}

async function isFile(absolutePath: string): Promise<boolean> {
  return (await fsp.stat(absolutePath).catch(() => undefined))?.isFile() ?? false
}

export async function realpathOr(absolutePath: string): Promise<string> {
  try {
    return await fsp.realpath(absolutePath)
  } catch {
    return absolutePath
  }
}
