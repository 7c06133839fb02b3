import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { CompanionError, errnoCode } from '../errors.js'
import { writeFileAtomically } from '../files/writeFileAtomically.js'
import { resolveInside } from '../storage/safety.js'
import type {
  PhotoSource,
  SourceFeatures,
  SourceFile,
  SourceFileReader,
  SourceIdentity,
  SourceVolume,
} from './photoSource.js'

export interface LocalSourceOptions {
  /** Label of the card's volume when known (from the drive list); defaults to the root folder's name. */
  volumeLabel?: string
}

/** A mounted card, or any folder on this computer. */
export class LocalSource implements PhotoSource {
  readonly root: string
  readonly features: SourceFeatures & { localRoot: string }

  constructor(
    root: string,
    private readonly options: LocalSourceOptions = {},
  ) {
    this.root = path.resolve(root)
    this.features = { localRoot: this.root, caseInsensitive: true }
  }

  /** Opens a source after checking it exists and is a readable folder, with a clear error otherwise. */
  static async open(root: string, options?: LocalSourceOptions): Promise<LocalSource> {
    const source = new LocalSource(root, options)
    let stats: fs.Stats
    try {
      stats = await fsp.stat(source.root)
    } catch (error) {
      const code = errnoCode(error)
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new CompanionError(
          'SOURCE_NOT_FOUND',
          `The card or folder ${source.root} is not there (is it mounted?)`,
          {
            cause: error,
          },
        )
      }
      throw new CompanionError(
        'SOURCE_UNREADABLE',
        `Cannot read ${source.root}: ${code ?? 'unknown error'}`,
        {
          cause: error,
        },
      )
    }
    if (!stats.isDirectory()) {
      throw new CompanionError('SOURCE_NOT_FOUND', `${source.root} is a file, not a card or folder`)
    }
    try {
      await fsp.access(source.root, fs.constants.R_OK | fs.constants.X_OK)
    } catch (error) {
      throw new CompanionError('SOURCE_UNREADABLE', `No permission to read ${source.root}`, { cause: error })
    }
    source.features.caseInsensitive = await isCaseInsensitiveFolder(source.root)
    source.openedDevice = stats.dev
    return source
  }

  /** Device of the root when opened: another device there (or none) means the card was pulled out. */
  openedDevice: number | undefined

  async stillThere(): Promise<boolean> {
    try {
      const stats = await fsp.stat(this.root)
      return stats.isDirectory() && (this.openedDevice === undefined || stats.dev === this.openedDevice)
    } catch {
      return false
    }
  }

  private abs(relativePath: string): string {
    return resolveInside(this.root, relativePath)
  }

  async identity(): Promise<SourceIdentity> {
    return {
      id: `local:${this.root}`,
      displayRoot: this.root,
      volumeLabel: this.options.volumeLabel ?? (path.basename(this.root) || 'root'),
    }
  }

  async list(folder: string): Promise<{ files: SourceFile[]; folders: string[] }> {
    const absolute = folder === '' ? this.root : this.abs(folder)
    let entries: fs.Dirent[]
    try {
      entries = await fsp.readdir(absolute, { withFileTypes: true })
    } catch (error) {
      if (folder !== '') throw error
      throw new CompanionError('SOURCE_UNREADABLE', `Cannot list ${this.root}: ${errnoCode(error) ?? ''}`, {
        cause: error,
      })
    }
    const folders: string[] = []
    const files: SourceFile[] = []
    // Joined by hand: path.join normalises each of 100 000 names again (a tenth of a listing's time).
    const prefix = absolute.endsWith(path.sep) ? absolute : absolute + path.sep
    let stated = 0
    for (const entry of entries) {
      const relative = folder === '' ? entry.name : `${folder}/${entry.name}`
      if (entry.isDirectory()) folders.push(relative)
      if (!entry.isFile()) continue
      // Synchronous stats in short runs: a listing's stats cost a quarter of promise-based ones (no thread
      // pool hop per file; 107 000 photos: 0.8 s against 3.6 s here), and a card reader answers one request
      // at a time anyway. Yielding every 256 keeps the app responsive. The entry's name comes from the
      // folder itself, so it needs no check against leaving the root.
      const stats = fs.statSync(prefix + entry.name, { throwIfNoEntry: false })
      if (stats?.isFile()) files.push({ path: relative, size: stats.size, mtimeMs: stats.mtimeMs })
      if (++stated % 256 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    return { files, folders }
  }

  async stat(relativePath: string): Promise<SourceFile | undefined> {
    try {
      // A link is not a file of the card: a listing never includes one, and following it could read a file
      // elsewhere on this computer (a photo-named link to a private file, shown over `serve`).
      const stats = await fsp.lstat(this.abs(relativePath))
      if (!stats.isFile()) return undefined
      return { path: relativePath, size: stats.size, mtimeMs: stats.mtimeMs }
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined
      throw error
    }
  }

  async statFolder(relativePath: string): Promise<{ mtimeMs: number } | undefined> {
    try {
      const stats = await fsp.stat(relativePath === '' ? this.root : this.abs(relativePath))
      return stats.isDirectory() ? { mtimeMs: stats.mtimeMs } : undefined
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined
      throw error
    }
  }

  createReadStream(relativePath: string, options: { start?: number; signal?: AbortSignal } = {}): Readable {
    return fs.createReadStream(this.abs(relativePath), {
      start: options.start,
      signal: options.signal,
      highWaterMark: 1024 * 1024,
    })
  }

  async openReader(relativePath: string): Promise<SourceFileReader> {
    const handle = await fsp.open(this.abs(relativePath), 'r')
    return {
      read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead,
      close: () => handle.close(),
    }
  }

  localPath(relativePath: string): string {
    return this.abs(relativePath)
  }

  async readRange(relativePath: string, start: number, length: number): Promise<Buffer> {
    const handle = await fsp.open(this.abs(relativePath), 'r')
    try {
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buffer, 0, length, start)
      return buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  }

  async writeFile(relativePath: string, data: Buffer | string): Promise<void> {
    const target = this.abs(relativePath)
    await fsp.mkdir(path.dirname(target), { recursive: true })
    // A reader (or a crash) never sees half a file; the card's files keep ordinary permissions.
    await writeFileAtomically(target, data, { mode: 0o666 })
  }

  async remove(relativePath: string): Promise<void> {
    await fsp.rm(this.abs(relativePath), { force: true })
  }

  async rename(from: string, to: string): Promise<void> {
    const source = this.abs(from)
    const target = this.abs(to)
    await fsp.mkdir(path.dirname(target), { recursive: true })
    // link+unlink refuses an existing target atomically, where rename would silently overwrite it.
    try {
      await fsp.link(source, target)
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') throw error
      // File systems without hard links (FAT/exFAT cards): check, then rename.
      if (await this.stat(to)) {
        throw Object.assign(new Error(`EEXIST: ${to} already exists`), { code: 'EEXIST' })
      }
      await fsp.rename(source, target)
      return
    }
    await fsp.unlink(source)
  }

  async mkdirp(relativePath: string): Promise<void> {
    await fsp.mkdir(this.abs(relativePath), { recursive: true })
  }

  async removeEmptyFolder(relativePath: string): Promise<boolean> {
    if (relativePath === '') return false
    try {
      await fsp.rmdir(this.abs(relativePath))
      return true
    } catch (error) {
      const code = errnoCode(error)
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false
      throw error
    }
  }

  async volume(): Promise<SourceVolume> {
    const stats = await fsp.statfs(this.root)
    return {
      totalBytes: stats.blocks * stats.bsize,
      freeBytes: stats.bfree * stats.bsize,
      availableBytes: stats.bavail * stats.bsize,
    }
  }

  async close(): Promise<void> {}
}

/**
 * Asks the file system whether names differ by case: a name of the folder with its case swapped, that the
 * folder does not list, opens only where case is ignored. A folder with no such name cannot tell, and gets
 * the cautious answer (true).
 */
export async function isCaseInsensitiveFolder(folder: string): Promise<boolean> {
  let names: string[]
  try {
    names = await fsp.readdir(folder)
  } catch {
    return true
  }
  const listed = new Set(names)
  const probe = names.map(swapCase).find((swapped) => swapped !== undefined && !listed.has(swapped))
  if (probe === undefined) return true
  try {
    await fsp.lstat(path.join(folder, probe))
    return true
  } catch {
    return false
  }
}

function swapCase(name: string): string | undefined {
  const swapped = [...name]
    .map((char) => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase()))
    .join('')
  return swapped === name ? undefined : swapped
}
