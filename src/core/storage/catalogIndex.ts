import { createHash } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { CaptureTimeOriginSchema, PhotoFlagSchema, WallClockSchema } from '../../shared/storage.js'
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

const IndexedFileSchema = z.object({
  path: z.string(),
  size: z.number().nonnegative(),
  mtimeMs: z.number(),
  capturedAt: WallClockSchema.optional(),
  captureOrigin: CaptureTimeOriginSchema.optional(),
  flags: z.array(PhotoFlagSchema).optional(),
  checked: z.boolean().optional(),
})
type IndexedFile = z.infer<typeof IndexedFileSchema>

const CatalogIndexSchema = z.object({
  version: z.literal(1),
  card: z.object({ sourceId: z.string(), volumeLabel: z.string().optional() }),
  folders: z.record(
    z.string(),
    z.object({
      mtimeMs: z.number().optional(),
      files: z.array(IndexedFileSchema),
      folders: z.array(z.string()),
    }),
  ),
})
export type CatalogIndex = z.infer<typeof CatalogIndexSchema>

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

  static of(index: CatalogIndex): CatalogMemory {
    const photos = new Map<string, IndexedFile>()
    for (const folder of Object.values(index.folders)) {
      for (const file of folder.files) if (file.capturedAt) photos.set(file.path, file)
    }
    return new CatalogMemory(index.card, index.folders, photos)
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

  toIndex(): CatalogIndex {
    const folders: CatalogIndex['folders'] = {}
    for (const [name, folder] of Object.entries(this.folders)) {
      folders[name] = {
        ...(folder.mtimeMs === undefined ? {} : { mtimeMs: folder.mtimeMs }),
        files: folder.files.map((file) => this.photos.get(file.path) ?? toIndexed(file)),
        folders: folder.folders,
      }
    }
    return { version: 1, card: this.card, folders }
  }
}

const toIndexed = ({ path: filePath, size, mtimeMs }: SourceFile): IndexedFile => ({
  path: filePath,
  size,
  mtimeMs,
})

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
    return CatalogMemory.of(parsed.data)
  }

  async save(memory: CatalogMemory): Promise<void> {
    await fsp.mkdir(this.folder, { recursive: true })
    await writeFileAtomically(this.fileOf(memory.card), JSON.stringify(memory.toIndex()))
  }

  private async discard(file: string, why: string): Promise<undefined> {
    this.logger.warn(`Catalog index ${file} discarded (${why}); the card is read again`)
    await fsp.rm(file, { force: true })
    return undefined
  }
}
