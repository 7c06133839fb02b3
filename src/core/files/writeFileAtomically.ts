import fsp from 'node:fs/promises'
import path from 'node:path'
import { errnoCode } from '../errors.js'

/**
 * Replaces a file so that a crash leaves either the old or the new content, never half of each: the data
 * goes to a temp file that is fsynced and renamed over the old one, then the folder entry is synced. The
 * one way the companion replaces a file, on the laptop (settings, secrets, job history) and on a card
 * (organize journals). The temp name `<name>.tmp-<pid>-<time>` is what catalogs skip and what recovery
 * removes after a crash (catalog.ts, organizeJournal.ts, jobHistory.ts).
 */
export async function writeFileAtomically(
  filePath: string,
  /** Text given in parts is written part by part, never joined in memory (a large index). */
  data: string | Buffer | Iterable<string>,
  options: { mode?: number } = {},
): Promise<void> {
  const temp = `${filePath}.tmp-${process.pid}-${uniqueStamp()}`
  const handle = await fsp.open(temp, 'w', options.mode ?? 0o600)
  try {
    if (typeof data === 'string' || Buffer.isBuffer(data)) await handle.writeFile(data)
    else for (const part of data) await handle.writeFile(part)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fsp.rename(temp, filePath)
  await syncFolder(path.dirname(filePath))
}

/**
 * The time in ms, but never the same twice in this process: two writes of one file within a millisecond (two
 * catalog index saves of one card) would otherwise share a temp file, and the second rename would fail.
 */
let lastStamp = 0
function uniqueStamp(): number {
  lastStamp = Math.max(Date.now(), lastStamp + 1)
  return lastStamp
}

/** The rename itself is durable only once the folder's entry is on disk. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await fsp.open(folder, 'r')
  try {
    await handle.sync()
  } catch (error) {
    // Some file systems (FAT through FUSE, some network mounts) cannot sync a folder; the data itself is.
    if (!['EINVAL', 'ENOTSUP', 'EPERM', 'EISDIR', 'EBADF'].includes(errnoCode(error) ?? '')) throw error
  } finally {
    await handle.close()
  }
}
