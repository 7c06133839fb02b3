import type { FileFailure } from '../../shared/storage.js'
import { errnoCode } from '../errors.js'
import type { PhotoSource, SourceFile } from './photoSource.js'

/** Errors that make one folder unreadable while the rest of the card still is (a root-only `lost+found`). */
const UNREADABLE_CODES = new Set(['EACCES', 'EPERM', 'EIO'])

/** One folder as a walk saw it, with the folder's own mtime when the walk read it (a cheap change signal). */
export interface ListedFolder {
  mtimeMs?: number
  files: SourceFile[]
  folders: string[]
}

export interface WalkOptions {
  signal?: AbortSignal
  /**
   * Folders as an earlier walk listed them: one whose mtime has not moved is taken as it was, without
   * listing it (adding, removing or renaming a file changes its folder's mtime). A file rewritten in place
   * under the same name changes no folder, so only callers whose answer may lag behind such an edit (stats,
   * a catalog) pass this; a backup always lists.
   */
  known?: Readonly<Record<string, ListedFolder>>
  /** Told every folder walked, with its mtime, so a caller can keep it as `known` for the next walk. */
  onListed?: (folder: string, listed: ListedFolder) => void
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
  for await (const files of walkSourceByFolder(source, options)) yield* files
}

/**
 * The same walk, a folder's files at a time (sorted by path): for callers that look at a whole card, one
 * step of an async generator per file was a tenth of a 100 000-photo catalog's time.
 */
export async function* walkSourceByFolder(
  source: PhotoSource,
  options: WalkOptions = {},
): AsyncIterable<SourceFile[]> {
  const pending = ['']
  while (pending.length > 0) {
    options.signal?.throwIfAborted()
    const folder = pending.pop() as string
    let listing: ListedFolder
    try {
      listing = await listOrReuse(source, folder, options)
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
    if (listing.files.length > 0) yield [...listing.files].sort(byPath)
    pending.push(...[...listing.folders].sort().reverse())
  }
}

async function listOrReuse(source: PhotoSource, folder: string, options: WalkOptions): Promise<ListedFolder> {
  if (!options.known && !options.onListed) return source.list(folder)
  // The mtime is read before the listing, so a change made while listing shows at the next walk.
  const mtimeMs = (await source.statFolder(folder))?.mtimeMs
  const known = options.known?.[folder]
  const listed =
    known && mtimeMs !== undefined && known.mtimeMs === mtimeMs
      ? known
      : { mtimeMs, ...(await source.list(folder)) }
  options.onListed?.(folder, listed)
  return listed
}

const byPath = (a: SourceFile, b: SourceFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
