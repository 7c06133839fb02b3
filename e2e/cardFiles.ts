import { createHash } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'

const PHOTO = /\.(jpe?g|png|dng)$/i

/** Every file under a folder, relative with `/`, skipping the companion's own bookkeeping. */
export async function listFiles(root: string): Promise<string[]> {
  if (!fs.existsSync(root)) return []
  const entries = await fsp.readdir(root, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((file) => !file.startsWith('.creaturebox') && !file.includes('/.creaturebox'))
    .sort()
}

export const isPhoto = (file: string): boolean => PHOTO.test(file)

export async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fsp.readFile(file))
    .digest('hex')
}
