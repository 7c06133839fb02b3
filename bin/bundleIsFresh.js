import fs from 'node:fs'
import path from 'node:path'

/** The source folders the CLI bundle is built from (scripts/build-cli.mjs). */
const SOURCE_FOLDERS = ['src/cli', 'src/core', 'src/shared']

/**
 * Whether the bundle at `bundle` is newer than every source file under `root`: only then may it run, so a
 * source edited since the last build is never ignored. Sync on purpose: this runs once, before anything else.
 */
export function bundleIsFresh(root, bundle) {
  let built
  try {
    built = fs.statSync(bundle).mtimeMs
  } catch {
    return false
  }
  for (const folder of SOURCE_FOLDERS) {
    for (const entry of fs.readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs > built) return false
    }
  }
  return true
}
