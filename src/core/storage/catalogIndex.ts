import { createHash } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import {
  CaptureTimeOriginSchema,
  PhotoFlagSchema,
  StorageStatsSchema,
  type PhotoFlag,
  type StorageStats,
} from '../../shared/storage.js'
import { describeError, errnoCode } from '../errors.js'
import { writeFileAtomically } from '../files/writeFileAtomically.js'
import type { SourceFile } from '../sources/photoSource.js'
import type { ListedFolder } from '../sources/walkSource.js'
import type { KnownPhoto } from './catalog.js'

/**
 * The catalog of a card, kept in the companion's data folder between runs, so that opening a season's card
 * again costs one folder stat per folder instead of a stat per photo and a read of each. Keyed by the
 * card's identity (source id and volume label). Per folder: its mtime, its files (size, mtime, and what the
 * catalog learned of each photo: capture time, flags, whether the damage check read it). It is a cache,
 * never evidence: a backup and a cleanup always look at the card itself. A corrupt or foreign index is
 * discarded and rebuilt.
 */

/** What the catalog learned of one photo, kept beside its listing. */
interface IndexedFile extends SourceFile {
  capturedAt?: string
  captureOrigin?: KnownPhoto['captureOrigin']
  flags?: PhotoFlag[]
  checked?: boolean
}

/**
 * On disk, compact: per folder its mtime, its subfolders' names and one array per file: `[name, size,
 * mtimeMs]`, plus `[checked 0|1, flags joined by ',', capturedAt, origin]` for a photo. A season's card
 * (100 000 photos) then keeps an index of about 10 MB that parses in a fraction of a second.
 */
type CompactFile = [string, number, number] | [string, number, number, [0 | 1, string, string, string]]
const CatalogIndexSchema = z.object({
  version: z.literal(2),
  card: z.object({ sourceId: z.string(), volumeLabel: z.string().optional() }),
  folders: z.record(
    z.string(),
    z.object({
      mtimeMs: z.number().optional(),
      folders: z.array(z.string()),
      // Checked by hand below: a schema per file would cost more than the index saves.
      files: z.array(z.unknown()),
    }),
  ),
})
type CatalogIndex = z.infer<typeof CatalogIndexSchema>

const ORIGINS = new Set<string>(CaptureTimeOriginSchema.options)
const FLAGS = new Set<string>(PhotoFlagSchema.options)

/** A file of the compact form, or undefined when it is not one (the index is then discarded whole). */
function fileOfCompact(folder: string, entry: unknown): IndexedFile | undefined {
  if (!Array.isArray(entry) || entry.length < 3 || entry.length > 4) return undefined
  const [name, size, mtimeMs, photo] = entry as [unknown, unknown, unknown, unknown]
  if (typeof name !== 'string' || name === '' || name.includes('/')) return undefined
  if (typeof size !== 'number' || size < 0 || typeof mtimeMs !== 'number') return undefined
  const filePath = folder === '' ? name : `${folder}/${name}`
  if (photo === undefined) return { path: filePath, size, mtimeMs }
  if (!Array.isArray(photo) || photo.length !== 4) return undefined
  const [checked, flags, capturedAt, origin] = photo as [unknown, unknown, unknown, unknown]
  if ((checked !== 0 && checked !== 1) || typeof flags !== 'string' || typeof capturedAt !== 'string')
    return undefined
  if (typeof origin !== 'string' || !ORIGINS.has(origin) || !WALL_CLOCK.test(capturedAt)) return undefined
  const flagList = flags === '' ? [] : flags.split(',')
  if (!flagList.every((flag) => FLAGS.has(flag))) return undefined
  // One literal shape for every photo: a hundred thousand of them are looked up per catalog.
  return {
    path: filePath,
    size,
    mtimeMs,
    capturedAt,
    captureOrigin: origin as KnownPhoto['captureOrigin'],
    flags: flagList as PhotoFlag[],
    checked: checked === 1,
  }
}

const compactOf = (file: IndexedFile): CompactFile => {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1)
  if (!file.capturedAt) return [name, file.size, file.mtimeMs]
  const photo: [0 | 1, string, string, string] = [
    file.checked === false ? 0 : 1,
    (file.flags ?? []).join(','),
    file.capturedAt,
    file.captureOrigin ?? 'filename',
  ]
  return [name, file.size, file.mtimeMs, photo]
}

const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/

const KeptStatsSchema = z.object({
  card: z.object({ sourceId: z.string(), volumeLabel: z.string().optional() }),
  folders: z.record(z.string(), z.number()),
  stats: StorageStatsSchema,
})

export interface CardKey {
  sourceId: string
  volumeLabel?: string
}

/** What a walk and a catalog learned, in the form the next walk and catalog take it back. */
export class CatalogMemory {
  constructor(
    readonly card: CardKey,
    public folders: Record<string, ListedFolder> = {},
    private readonly photos = new Map<string, IndexedFile>(),
  ) {}

  /** The memory an index holds, or undefined when any part of it is not what this version writes. */
  static of(index: CatalogIndex): CatalogMemory | undefined {
    const folders: Record<string, ListedFolder> = {}
    const photos = new Map<string, IndexedFile>()
    for (const [folder, listed] of Object.entries(index.folders)) {
      const files: SourceFile[] = []
      for (const entry of listed.files) {
        const file = fileOfCompact(folder, entry)
        if (!file) return undefined
        files.push({ path: file.path, size: file.size, mtimeMs: file.mtimeMs })
        if (file.capturedAt) photos.set(file.path, file)
      }
      const subfolders = listed.folders.map((name) => (folder === '' ? name : `${folder}/${name}`))
      folders[folder] = {
        ...(listed.mtimeMs === undefined ? {} : { mtimeMs: listed.mtimeMs }),
        files,
        folders: subfolders,
      }
    }
    return new CatalogMemory(index.card, folders, photos)
  }

  /** The photo as it was known, when its size and mtime are what they were. */
  knownPhoto(file: SourceFile): KnownPhoto | undefined {
    const known = this.photos.get(file.path)
    if (!known || known.size !== file.size || known.mtimeMs !== file.mtimeMs || !known.capturedAt)
      return undefined
    return {
      capturedAt: known.capturedAt,
      captureOrigin: known.captureOrigin ?? 'filename',
      flags: known.flags ?? [],
      checked: known.checked ?? true,
    }
  }

  /** Whether the photo is known as it is now, with the same capture time, flags and check. */
  isKnown(photo: SourceFile & KnownPhoto): boolean {
    const known = this.photos.get(photo.path)
    return (
      known !== undefined &&
      known.size === photo.size &&
      known.mtimeMs === photo.mtimeMs &&
      known.capturedAt === photo.capturedAt &&
      known.checked === (photo.checked ?? true) &&
      (known.flags ?? []).join() === photo.flags.join()
    )
  }

  remember(file: SourceFile, photo: KnownPhoto): void {
    this.photos.set(file.path, {
      path: file.path,
      size: file.size,
      mtimeMs: file.mtimeMs,
      capturedAt: photo.capturedAt,
      captureOrigin: photo.captureOrigin,
      flags: photo.flags,
      checked: photo.checked ?? true,
    })
  }

  /**
   * The index as JSON text, one folder at a time: a season's card's index is written without first holding
   * all of it as arrays and as one 11 MB string (that had added 45 MB to the peak memory of a first stats).
   */
  *indexText(): Generator<string> {
    const head: Omit<CatalogIndex, 'folders'> = { version: 2, card: this.card }
    yield `${JSON.stringify(head).slice(0, -1)},"folders":{`
    let separator = ''
    for (const [name, folder] of Object.entries(this.folders)) {
      const entry: CatalogIndex['folders'][string] = {
        ...(folder.mtimeMs === undefined ? {} : { mtimeMs: folder.mtimeMs }),
        folders: folder.folders.map((sub) => sub.slice(sub.lastIndexOf('/') + 1)),
        files: folder.files.map((file) => compactOf(this.photos.get(file.path) ?? file)),
      }
      yield `${separator}${JSON.stringify(name)}:${JSON.stringify(entry)}`
      separator = ','
    }
    yield '}}'
  }
}

/** Index files in one folder, one per card, named by a hash of the card's key. */
export class CatalogIndexStore {
  constructor(
    readonly folder: string,
    private readonly logger: { warn(message: string): void } = console,
  ) {}

  private fileOf(card: CardKey): string {
    const key = createHash('sha256')
      .update(`${card.sourceId}\0${card.volumeLabel ?? ''}`)
      .digest('hex')
    return path.join(this.folder, `${key.slice(0, 32)}.json`)
  }

  /** The card's index, or undefined when there is none, or it is unreadable or another card's. */
  async load(card: CardKey): Promise<CatalogMemory | undefined> {
    const file = this.fileOf(card)
    let text: string
    try {
      text = await fsp.readFile(file, 'utf8')
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT')
        this.logger.warn(`Catalog index ${file} unreadable: ${describeError(error)}`)
      return undefined
    }
    let parsed: z.ZodSafeParseResult<CatalogIndex>
    try {
      parsed = CatalogIndexSchema.safeParse(JSON.parse(text))
    } catch {
      return this.discard(file, 'not JSON')
    }
    if (!parsed.success) return this.discard(file, 'not an index of this version')
    const stored = parsed.data.card
    if (stored.sourceId !== card.sourceId || stored.volumeLabel !== card.volumeLabel) {
      return this.discard(file, 'another card')
    }
    return CatalogMemory.of(parsed.data) ?? this.discard(file, 'a damaged entry')
  }

  /**
   * The stats last computed for the card, with the mtime of every folder they were computed from: valid
   * while every folder still has that mtime (a new or removed file or folder changes its parent's).
   */
  async loadStats(
    card: CardKey,
  ): Promise<{ folders: Record<string, number>; stats: StorageStats } | undefined> {
    const file = this.fileOf(card).replace(/\.json$/, '.stats.json')
    try {
      const parsed = KeptStatsSchema.safeParse(JSON.parse(await fsp.readFile(file, 'utf8')))
      const fits =
        parsed.success &&
        parsed.data.card.sourceId === card.sourceId &&
        parsed.data.card.volumeLabel === card.volumeLabel
      return fits ? parsed.data : undefined
    } catch {
      return undefined
    }
  }

  /** Stats that no longer hold although no folder changed (the damage check found flags). */
  async forgetStats(card: CardKey): Promise<void> {
    await fsp.rm(this.fileOf(card).replace(/\.json$/, '.stats.json'), { force: true })
  }

  async saveStats(card: CardKey, folders: Record<string, number>, stats: StorageStats): Promise<void> {
    await fsp.mkdir(this.folder, { recursive: true })
    const file = this.fileOf(card).replace(/\.json$/, '.stats.json')
    await writeFileAtomically(file, JSON.stringify({ card, folders, stats }))
  }

  async save(memory: CatalogMemory): Promise<void> {
    await fsp.mkdir(this.folder, { recursive: true })
    await writeFileAtomically(this.fileOf(memory.card), memory.indexText())
  }

  private async discard(file: string, why: string): Promise<undefined> {
    this.logger.warn(`Catalog index ${file} discarded (${why}); the card is read again`)
    await fsp.rm(file, { force: true })
    return undefined
  }
}
