import type { FileFailure } from '../../shared/storage.js'
import { errnoCode } from '../errors.js'
import type { PhotoSource, SourceFile } from './photoSource.js'

/** Errors that make one folder unreadable while the rest of the card still is (a root-only `lost+found`). */
const UNREADABLE_CODES = new Set(['EACCES', 'EPERM', 'EIO'])

export interface WalkOptions {
  signal?: AbortSignal
  /**
   * Called for each folder below the root that cannot be listed; the walk goes on without it. Without
   * this callback such a folder fails the walk: a caller must decide what a partial listing means for it.
   */
  onUnreadable?: (failure: FileFailure) => void
}

/**
 * Every regular file below the source's root, recursively (symlinks are not followed), in a deterministic
 * order: files of a folder by name, then its subfolders by name. Written once for every source (rclone's
 * `fs/walk`): each source only lists one folder. A folder removed while walking (card pulled, concurrent
 * cleanup) is simply no longer there; the root itself failing always throws.
 */
export async function* walkSource(source: PhotoSource, options: WalkOptions = {}): AsyncIterable<SourceFile> {
  const pending = ['']
  while (pending.length > 0) {
    options.signal?.throwIfAborted()
    const folder = pending.pop() as string
    let listing: Awaited<ReturnType<PhotoSource['list']>>
    try {
      listing = await source.list(folder)
    } catch (error) {
      const code = errnoCode(error)
      if (folder === '') throw error
      if (code === 'ENOENT') continue
      if (!options.onUnreadable || code === undefined || !UNREADABLE_CODES.has(code)) throw error
      options.onUnreadable({
        path: folder,
        reason: `This folder could not be read (${code}): nothing in it was included`,
        code: 'FOLDER_UNREADABLE',
      })
      continue
    }
    yield* [...listing.files].sort(byPath)
    pending.push(...[...listing.folders].sort().reverse())
  }
}

const byPath = (a: SourceFile, b: SourceFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
