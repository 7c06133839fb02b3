import type { FileFailure } from '../../shared/storage.js'
import { parentOf } from '../../shared/paths.js'
import { describeError, errnoCode } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'

/**
 * Removes the folders that held `filePaths` when they are now empty, then their parents in turn, deepest
 * first; never the source root.
 */
export async function removeEmptiedFolders(
  source: PhotoSource,
  filePaths: Iterable<string>,
): Promise<{ removed: string[]; failed: FileFailure[] }> {
  const byDepth = new Map<number, Set<string>>()
  const add = (folder: string) => {
    if (folder === '') return
    const depth = folder.split('/').length
    byDepth.set(depth, (byDepth.get(depth) ?? new Set()).add(folder))
  }
  for (const filePath of filePaths) add(parentOf(filePath))
  const removed: string[] = []
  const failed: FileFailure[] = []
  for (let depth = Math.max(0, ...byDepth.keys()); depth > 0; depth -= 1) {
    for (const folder of [...(byDepth.get(depth) ?? [])].sort()) {
      try {
        if (!(await source.removeEmptyFolder(folder))) continue
      } catch (error) {
        failed.push({
          path: folder,
          reason: `Could not remove the empty folder: ${describeError(error)}`,
          code: errnoCode(error),
        })
        continue
      }
      removed.push(folder)
      add(parentOf(folder))
    }
  }
  return { removed, failed }
}
