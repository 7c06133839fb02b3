import fsp from 'node:fs/promises'
import path from 'node:path'
import { errnoCode } from '../errors.js'
import { HASH_ALGORITHM } from './fileHash.js'
import { resolveInside } from './safety.js'

/**
 * The manifest is the record of what a backup folder verifiably holds: one JSON line per file, appended
 * (and fsynced) only after the written bytes were re-read and their hash matched the source. A file is
 * "backed up" only when it is here; cleanup relies on that.
 */
export const MANIFEST_FILE = 'creaturebox-manifest.jsonl'

export interface ManifestEntry {
  path: string
  size: number
  mtimeMs: number
  hash: string
  algorithm: typeof HASH_ALGORITHM
  verifiedAt: number
  /**
   * The copy's name on the drive when it is not `path`: the drive's file system cannot hold the card's name
   * (a FAT/exFAT character, or a name differing from another only in case; destinationNames.ts).
   */
  storedAs?: string
}

/**
 * A verified copy moved on the drive (the card was organized since it was copied): the entry for `path`
 * ends here, and a line for `movedTo` follows. Readers that do not know this line skip it and then find
 * no file at `path`, which counts as "not backed up" there, never as a copy.
 */
export interface ManifestMove {
  path: string
  movedTo: string
  movedAt: number
}

/** The entry of a copy verified just now; `storedAs` only when the drive holds it under another name. */
export function verifiedEntryOf(copy: {
  path: string
  storedAs: string
  size: number
  mtimeMs: number
  hash: string
}): ManifestEntry {
  const { path, storedAs, size, mtimeMs, hash } = copy
  return {
    path,
    ...(storedAs === path ? {} : { storedAs }),
    size,
    mtimeMs,
    hash,
    algorithm: HASH_ALGORITHM,
    verifiedAt: Date.now(),
  }
}

/** One line of a manifest, as every writer appends it (ManifestWriter here, a copy thread in threadedCopy.ts). */
export const manifestLineOf = (entry: ManifestEntry | ManifestMove): string => JSON.stringify(entry) + '\n'

// Lines are checked by hand rather than by a schema: a zod parse per line was half the time of reading a
// 20 000-line manifest, which every backup, no-op included, does first.
const isString = (value: unknown): value is string => typeof value === 'string'
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** The entry a parsed line holds, with exactly its known fields, or undefined when it is not a whole one. */
function manifestEntryOf(line: unknown): ManifestEntry | undefined {
  if (typeof line !== 'object' || line === null) return undefined
  const { path, size, mtimeMs, hash, algorithm, verifiedAt, storedAs } = line as Record<string, unknown>
  if (!isString(path) || !isString(hash) || algorithm !== HASH_ALGORITHM) return undefined
  if (!isNumber(size) || !Number.isInteger(size) || size < 0 || !isNumber(mtimeMs) || !isNumber(verifiedAt)) {
    return undefined
  }
  if (storedAs !== undefined && !isString(storedAs)) return undefined
  const entry: ManifestEntry = { path, size, mtimeMs, hash, algorithm, verifiedAt }
  if (storedAs !== undefined) entry.storedAs = storedAs
  return entry
}

function manifestMoveOf(line: unknown): ManifestMove | undefined {
  if (typeof line !== 'object' || line === null) return undefined
  const { path, movedTo, movedAt } = line as Record<string, unknown>
  return isString(path) && isString(movedTo) && isNumber(movedAt) ? { path, movedTo, movedAt } : undefined
}

/** Where an entry's copy lies on the drive: under its recorded drive name, else under the card's path. */
export const copyPathOf = (cardFolder: string, entry: Pick<ManifestEntry, 'path' | 'storedAs'>): string =>
  resolveInside(cardFolder, entry.storedAs ?? entry.path)

export const manifestPathOf = (cardFolder: string): string => path.join(cardFolder, MANIFEST_FILE)

/**
 * Entries by path; a later line for the same path wins (the file was copied again). A torn or unreadable
 * line (a crash mid-append) is skipped rather than losing the lines before it.
 */
export async function readManifest(cardFolder: string): Promise<Map<string, ManifestEntry>> {
  const entries = new Map<string, ManifestEntry>()
  let text: string
  try {
    text = await fsp.readFile(manifestPathOf(cardFolder), 'utf8')
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return entries
    throw error
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      continue
    }
    const entry = manifestEntryOf(parsed)
    if (entry) {
      entries.set(entry.path, entry)
      continue
    }
    const move = manifestMoveOf(parsed)
    if (move) entries.delete(move.path)
  }
  return entries
}

/** Manifest lines reach the drive at least this often during a backup, and always when it ends. */
const SYNC_INTERVAL_MS = 1_000

/**
 * Appends verified entries. Lines are written at once but flushed to the drive in batches, not per file:
 * an fsync per photo doubled the cost of a backup, and a line lost to a crash costs only a recopy, because
 * a file at the destination without a manifest line is copied and verified again, never trusted.
 */
export class ManifestWriter {
  private dirty = false
  private lastSync = Date.now()

  private constructor(
    private readonly handle: fsp.FileHandle,
    readonly filePath: string,
  ) {}

  static async open(cardFolder: string): Promise<ManifestWriter> {
    await fsp.mkdir(cardFolder, { recursive: true })
    const filePath = manifestPathOf(cardFolder)
    const handle = await fsp.open(filePath, 'a')
    // A crash can leave a torn last line; start on a fresh line so the next entry stays readable.
    const { size } = await handle.stat()
    if (size > 0) {
      const last = Buffer.alloc(1)
      const reader = await fsp.open(filePath, 'r')
      try {
        await reader.read(last, 0, 1, size - 1)
      } finally {
        await reader.close()
      }
      if (last[0] !== 0x0a) await handle.write('\n')
    }
    return new ManifestWriter(handle, filePath)
  }

  async append(entries: ManifestEntry | (ManifestEntry | ManifestMove)[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries]
    if (list.length === 0) return
    // One write per batch on an O_APPEND file: concurrent appends never interleave within a line.
    await this.handle.write(list.map(manifestLineOf).join(''))
    await this.wroteElsewhere()
  }

  /** The open O_APPEND descriptor, through which a copy thread appends its lines (threadedCopy.ts). */
  get fd(): number {
    return this.handle.fd
  }

  /** Lines appended to this file by a copy thread: they reach the drive with the next flush, as these do. */
  async wroteElsewhere(): Promise<void> {
    this.dirty = true
    if (Date.now() - this.lastSync >= SYNC_INTERVAL_MS) await this.flush()
  }

  /** Puts every line written so far on the drive. */
  async flush(): Promise<void> {
    if (!this.dirty) return
    this.dirty = false
    this.lastSync = Date.now()
    await this.handle.datasync()
  }

  async close(): Promise<void> {
    try {
      await this.flush()
    } finally {
      await this.handle.close()
    }
  }
}
