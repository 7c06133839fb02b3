import { createHash } from 'node:crypto'
import pMap from 'p-map'
import type { JobProgressUpdate } from '../../shared/jobs.js'
import type { Catalog, PhotoFlag, StorageStats } from '../../shared/storage.js'
import { describeError } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import type { ListedFolder } from '../sources/walkSource.js'
import { buildCatalog, checkPhotoDamage } from './catalog.js'
import { CatalogMemory, type CatalogIndexStore } from './catalogIndex.js'

export interface DamageCheckResult {
  /** Photos read by this run. */
  checked: number
  /** Photos of the card the check has read so far, this run and earlier ones. */
  checkedTotal: number
  photos: number
  damaged: { path: string; flags: PhotoFlag[] }[]
}

/** Folder stats in flight when asking whether a card changed: enough for SFTP latency, light on a card. */
const STAT_CONCURRENCY = 8

/**
 * Keeps one card's catalog current at the cost of what changed: the first catalog of a card is one walk of
 * names, sizes and mtimes (photos whose name carries the time are not opened); later ones stat each known
 * folder and list only those whose mtime moved. What was learned is kept in memory and, when a store is
 * given, in the index on disk (catalogIndex.ts), so a restart starts from it. Damage flags are filled in by
 * `checkDamage`, a job of its own, and never read again for an unchanged file.
 */
export class CatalogKeeper {
  private memory: CatalogMemory | undefined
  private last: { catalog: Catalog; fingerprint: string } | undefined

  constructor(
    private readonly source: PhotoSource,
    private readonly store?: CatalogIndexStore,
    private readonly logger: { warn(message: string): void } = console,
  ) {}

  /** The catalog, and a fingerprint that changes whenever what the catalog says may have changed. */
  async current(
    options: {
      signal?: AbortSignal
      onProgress?: (update: JobProgressUpdate) => void
      refresh?: boolean
    } = {},
  ): Promise<{ catalog: Catalog; fingerprint: string }> {
    const memory = await this.loadMemory()
    // Taken before the await: the damage check may drop `last` meanwhile, and the caller needs a catalog.
    const last = this.last
    if (!options.refresh && last && (await this.foldersUnchanged(memory))) return last
    const folders: Record<string, ListedFolder> = {}
    let changed = false
    const catalog = await buildCatalog(this.source, {
      signal: options.signal,
      onProgress: options.onProgress,
      checkDamage: false,
      // A refresh lists every folder again; what is known of an unchanged file still stands.
      knownFolders: options.refresh ? undefined : memory.folders,
      knownPhoto: (file) => memory.knownPhoto(file),
      onListed: (folder, listed) => {
        folders[folder] = listed
        if (listed !== memory.folders[folder]) changed = true
      },
    })
    if (Object.keys(folders).length !== Object.keys(memory.folders).length) changed = true
    for (const photo of catalog.photos) {
      if (memory.isKnown(photo)) continue
      memory.remember(photo, photo)
      changed = true
    }
    memory.folders = folders
    if (changed) await this.save(memory)
    this.last = { catalog, fingerprint: fingerprintOf(folders, catalog) }
    return this.last
  }

  /**
   * Reads the photos the damage check has not read yet, newest night first, and keeps their flags. What was
   * read is kept even when the run is cancelled.
   */
  async checkDamage(
    options: {
      signal?: AbortSignal
      onProgress?: (update: JobProgressUpdate) => void
      /** Only these photos (paths), read again even when already checked. */
      only?: readonly string[]
    } = {},
  ): Promise<DamageCheckResult> {
    const { catalog } = await this.current({ signal: options.signal })
    const memory = await this.loadMemory()
    const only = options.only && new Set(options.only)
    const photos = only
      ? catalog.photos.filter((photo) => only.has(photo.path)).map((photo) => ({ ...photo, checked: false }))
      : catalog.photos
    let result: Awaited<ReturnType<typeof checkPhotoDamage>>
    try {
      result = await checkPhotoDamage(this.source, photos, {
        signal: options.signal,
        onProgress: options.onProgress,
        onChecked: (photo, flags) => memory.remember(photo, { ...photo, flags, checked: true }),
      })
    } finally {
      // The catalog is built again from what the check learned; stats then count the new flags.
      this.last = undefined
      await this.save(memory)
      await this.store?.forgetStats(memory.card).catch(() => undefined)
    }
    const fresh = (await this.current({ signal: options.signal })).catalog
    return {
      checked: result.checked,
      checkedTotal: fresh.photos.filter((photo) => photo.checked !== false).length,
      photos: fresh.photos.length,
      damaged: result.damaged,
    }
  }

  /**
   * In a process that has not read the card yet: the stats kept with the index, while every folder they
   * were computed from still has the same mtime. One folder stat per folder, no listing: what makes a
   * season's card open at once after a restart.
   */
  async keptStats(): Promise<StorageStats | undefined> {
    if (this.last || !this.store) return undefined
    const { id, volumeLabel } = await this.source.identity()
    const kept = await this.store.loadStats({
      sourceId: id,
      ...(volumeLabel === undefined ? {} : { volumeLabel }),
    })
    if (!kept) return undefined
    const entries = Object.entries(kept.folders)
    const stamps = await pMap(entries, async ([folder]) => (await this.source.statFolder(folder))?.mtimeMs, {
      concurrency: STAT_CONCURRENCY,
    })
    return entries.every(([, mtimeMs], index) => stamps[index] === mtimeMs) ? kept.stats : undefined
  }

  /** Keeps stats computed from the current catalog, for keptStats after a restart. */
  async rememberStats(stats: StorageStats): Promise<void> {
    const memory = await this.loadMemory()
    const folders: Record<string, number> = {}
    for (const [folder, listed] of Object.entries(memory.folders)) {
      // A folder without a known mtime can never be shown unchanged: keep nothing rather than guess.
      if (listed.mtimeMs === undefined) return
      folders[folder] = listed.mtimeMs
    }
    try {
      await this.store?.saveStats(memory.card, folders, stats)
    } catch (error) {
      this.logger.warn(`Could not keep the card's stats: ${describeError(error)}`)
    }
  }

  /** After the card was changed by the companion itself (cleanup, organize): read it again next time. */
  forget(): void {
    this.last = undefined
  }

  private async loadMemory(): Promise<CatalogMemory> {
    if (this.memory) return this.memory
    const { id, volumeLabel } = await this.source.identity()
    const card = { sourceId: id, ...(volumeLabel === undefined ? {} : { volumeLabel }) }
    this.memory = (await this.store?.load(card)) ?? new CatalogMemory(card)
    return this.memory
  }

  private async foldersUnchanged(memory: CatalogMemory): Promise<boolean> {
    const entries = Object.entries(memory.folders)
    const stamps = await pMap(entries, async ([folder]) => (await this.source.statFolder(folder))?.mtimeMs, {
      concurrency: STAT_CONCURRENCY,
    })
    return entries.every(
      ([, listed], index) => listed.mtimeMs !== undefined && listed.mtimeMs === stamps[index],
    )
  }

  /** The index is a cache: failing to write it costs a slower start next time, never the answer. */
  private async save(memory: CatalogMemory): Promise<void> {
    try {
      await this.store?.save(memory)
    } catch (error) {
      this.logger.warn(`Could not keep the catalog index: ${describeError(error)}`)
    }
  }
}

function fingerprintOf(folders: Record<string, ListedFolder>, catalog: Catalog): string {
  const hash = createHash('sha256')
  for (const folder of Object.keys(folders).sort())
    hash.update(`${folder}\0${folders[folder]?.mtimeMs ?? '-'}\n`)
  const checked = catalog.photos.filter((photo) => photo.checked !== false).length
  hash.update(`${catalog.photos.length}:${checked}`)
  return hash.digest('hex').slice(0, 32)
}
