import fsp from 'node:fs/promises'
import path from 'node:path'

/**
 * Replaces a small file so that a crash leaves either the old or the new content, never half of each: the
 * text goes to a temp file that is fsynced and renamed over the old one, then the folder entry is synced.
 */
export async function writeFileAtomically(filePath: string, text: string): Promise<void> {
  const temp = `${filePath}.${process.pid}.tmp`
  const handle = await fsp.open(temp, 'w', 0o600)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fsp.rename(temp, filePath)
  // The rename itself is durable only once the folder's entry is on disk.
  const folder = await fsp.open(path.dirname(filePath), 'r')
  try {
    await folder.sync()
  } finally {
    await folder.close()
  }
}
