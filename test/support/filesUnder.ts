import fsp from 'node:fs/promises'
import path from 'node:path'

/** Every file below `root`, as sorted relative paths with `/`: what a card or a backup folder holds. */
export async function filesUnder(root: string): Promise<string[]> {
  const entries = await fsp.readdir(root, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}
