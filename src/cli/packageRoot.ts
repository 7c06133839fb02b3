import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of the installed package (the one with package.json), found the same way whether the CLI runs
 * from src/cli through tsx or from its bundle in out/cli, where paths relative to a module would differ.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('The creaturebox package folder was not found')
    dir = parent
  }
  return dir
}
