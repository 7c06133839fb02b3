import type { Cache } from '../cache/cache.js'
import { MemoryCache } from '../cache/memoryCache.js'
import type { JobProgressUpdate } from '../../shared/jobs.js'
import type {
  BackupResult,
  Catalog,
  CleanupPlan,
  OrganizeBy,
  OrganizeResult,
  StorageStats,
} from '../../shared/storage.js'
import type { PhotoSource } from '../sources/photoSource.js'
import type { DestinationCheck } from '../../shared/cardBackups.js'
import { backupFiles } from './backup.js'
import { checkDestinations } from './backupDestinations.js'
import { cardFolderName } from './backupFolder.js'
import { checkDestinationForCard } from './destinationCheck.js'
import { buildCatalog, catalogFingerprint, listCardFiles } from './catalog.js'
import { cleanupOldPhotos } from './cleanup.js'
import { organizePhotosByDate, recoverOrganize } from './organize.js'
import { assertSafeSourceRoot } from './sourceRootSafety.js'
import { computeStorageStats } from './storageStats.js'
import { listDrives } from './drives.js'
import { systemMountpoints } from '../../shared/driveConstraints.js'

export interface OperationOptions {
  signal?: AbortSignal
  onProgress?: (progress: JobProgressUpdate) => void
}

/** Catalogs are rebuilt at least this often even when folder mtimes say nothing changed. */
const CATALOG_TTL_MS = 300_000

/**
 * The storage service of the original web app, over any PhotoSource: stats, verified backup, safe cleanup
 * and organizing. Catalog and stats are cached by the source's fingerprint, so an unchanged card is walked
 * once however often the UI asks.
 */
export class StorageManager {
  private recovered = false

  constructor(
    readonly source: PhotoSource,
    private readonly cache: Cache = new MemoryCache(),
  ) {}

  private async cacheKey(kind: 'catalog' | 'stats'): Promise<string> {
    const { id } = await this.source.identity()
    return `${kind}:${id}:${await catalogFingerprint(this.source)}`
  }

  /** An organize that a crash interrupted is finished before anything reads the card's layout. */
  private async recoverOnce(): Promise<void> {
    if (this.recovered) return
    await recoverOrganize(this.source)
    this.recovered = true
  }

  async getCatalog(options: OperationOptions & { refresh?: boolean } = {}): Promise<Catalog> {
    await this.recoverOnce()
    const key = await this.cacheKey('catalog')
    if (options.refresh) await this.cache.delete(key)
    return this.cache.getOrSet(key, () => buildCatalog(this.source, options), { ttlMs: CATALOG_TTL_MS })
  }

  async getStorageStats(options: OperationOptions & { refresh?: boolean } = {}): Promise<StorageStats> {
    const key = await this.cacheKey('stats')
    if (options.refresh) await this.cache.delete(key)
    return this.cache.getOrSet(
      key,
      async () => computeStorageStats(await this.getCatalog(options), await this.source.volume(), new Date()),
      { ttlMs: CATALOG_TTL_MS },
    )
  }

  async backupPhotos(
    destination: string | string[],
    options: OperationOptions & { incremental?: boolean; verify?: boolean; waitForLock?: boolean } = {},
  ): Promise<BackupResult> {
    await this.recoverOnce()
    const { files, unreadable, deviceName } = await listCardFiles(this.source, options.signal)
    return backupFiles(this.source, files, Array.isArray(destination) ? destination : [destination], {
      ...options,
      deviceName,
      unreadable,
      systemMountpoints: await this.systemMountpoints(),
    })
  }

  /**
   * Refuses at once what the backup job would refuse at its start (a system folder, a folder on the card,
   * no drive there at all), so that a caller hears of it before a job is queued.
   */
  async checkBackupDestinations(destinations: string[]): Promise<void> {
    await checkDestinations(destinations, {
      sourceRoot: this.source.features.localRoot,
      systemMountpoints: await this.systemMountpoints(),
    })
  }

  /**
   * One typed destination checked as the backup would check it, plus write access and room for this
   * card's new files: the answer the Backup screen shows next to the field before Start.
   */
  async checkDestination(destination: string): Promise<DestinationCheck> {
    await this.recoverOnce()
    const { files, deviceName } = await listCardFiles(this.source)
    return checkDestinationForCard(destination, {
      folderName: cardFolderName(deviceName, (await this.source.identity()).volumeLabel),
      files,
      sourceRoot: this.source.features.localRoot,
      systemMountpoints: await this.systemMountpoints(),
    })
  }

  /** The folder this card's backup uses on every drive (`<device>_<volume label>`): the card's name. */
  async cardFolderName(): Promise<string> {
    const catalog = await this.getCatalog()
    return cardFolderName(catalog.deviceName, (await this.source.identity()).volumeLabel)
  }

  /** The laptop's own drives: never a card to clean or organize, never the root of a backup. */
  private async systemMountpoints(): Promise<string[]> {
    return ['/', ...systemMountpoints(await listDrives().catch(() => []))]
  }

  async cleanupOldPhotos(
    daysToKeep: number,
    options: OperationOptions & { dryRun?: boolean; requireBackupAt?: string[]; now?: Date } = {},
  ): Promise<CleanupPlan> {
    // Refused before the card is read: listing `/` or a home folder first would take minutes for nothing.
    await assertSafeSourceRoot(this.source, 'cleanup', { systemMountpoints: await this.systemMountpoints() })
    const catalog = await this.getCatalog({ signal: options.signal, refresh: true })
    try {
      return await cleanupOldPhotos(this.source, catalog, daysToKeep, {
        ...options,
        dryRun: options.dryRun ?? true,
        systemMountpoints: await this.systemMountpoints(),
      })
    } finally {
      if (!options.dryRun) await this.invalidate()
    }
  }

  async organizePhotosByDate(
    options: OperationOptions & { by?: OrganizeBy; dryRun?: boolean; undo?: boolean } = {},
  ): Promise<OrganizeResult> {
    await assertSafeSourceRoot(this.source, 'organize', { systemMountpoints: await this.systemMountpoints() })
    const catalog = await this.getCatalog({ signal: options.signal, refresh: true })
    try {
      return await organizePhotosByDate(this.source, catalog, {
        ...options,
        systemMountpoints: await this.systemMountpoints(),
      })
    } finally {
      if (!options.dryRun) await this.invalidate()
    }
  }

  /** Forgets cached catalog and stats of this source (after it changed, or on the user's refresh). */
  async invalidate(): Promise<void> {
    await this.cache.delete(await this.cacheKey('catalog'))
    await this.cache.delete(await this.cacheKey('stats'))
  }

  async close(): Promise<void> {
    await this.source.close()
  }
}
