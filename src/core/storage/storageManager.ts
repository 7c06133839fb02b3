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
import { checkDestinations, type CheckedDestination } from './backupDestinations.js'
import { cardFolderName } from './backupFolder.js'
import { checkDestinationForCard } from './destinationCheck.js'
import { listCardFiles } from './catalog.js'
import type { CatalogIndexStore } from './catalogIndex.js'
import { RunningBackupCopies } from './runningBackupCopies.js'
import { CatalogKeeper, type DamageCheckResult } from './catalogKeeper.js'
import { cleanupOldPhotos } from './cleanup.js'
import { organizePhotosByDate, recoverOrganize } from './organize.js'
import { assertSafeSourceRoot } from './sourceRootSafety.js'
import { computeStorageStats, volumeStatsOf } from './storageStats.js'
import { listDrives } from './drives.js'
import { systemMountpoints } from '../../shared/driveConstraints.js'

export interface OperationOptions {
  signal?: AbortSignal
  onProgress?: (progress: JobProgressUpdate) => void
}

/** Stats are kept this long in the cache even for an unchanged card (they carry the volume's free space). */
const STATS_TTL_MS = 300_000

/**
 * The storage service of the original web app, over any PhotoSource: stats, verified backup, safe cleanup
 * and organizing. The catalog is kept current by a CatalogKeeper (one folder stat per folder for an
 * unchanged card, an index on disk across restarts); stats are cached by the catalog's fingerprint.
 */
export class StorageManager {
  private recovered = false
  private readonly catalogs: CatalogKeeper
  /** What a backup of this card copies while it runs, for its thumbnails (a box's photo pulled once). */
  readonly runningBackup = new RunningBackupCopies()

  constructor(
    readonly source: PhotoSource,
    private readonly cache: Cache = new MemoryCache(),
    options: { catalogIndex?: CatalogIndexStore } = {},
  ) {
    this.catalogs = new CatalogKeeper(source, options.catalogIndex)
  }

  /** An organize that a crash interrupted is finished before anything reads the card's layout. */
  private async recoverOnce(): Promise<void> {
    if (this.recovered) return
    await recoverOrganize(this.source)
    this.recovered = true
  }

  /**
   * Photos with capture time and night, sidecars and other files. Damage flags are those the damage check
   * has found so far (`checked: false` on a photo it has not read yet): see checkDamage.
   */
  async getCatalog(options: OperationOptions & { refresh?: boolean } = {}): Promise<Catalog> {
    await this.recoverOnce()
    return (await this.catalogs.current(options)).catalog
  }

  async getStorageStats(options: OperationOptions & { refresh?: boolean } = {}): Promise<StorageStats> {
    await this.recoverOnce()
    // After a restart, an unchanged card answers from the stats kept with its index (the volume read fresh).
    const kept = options.refresh ? undefined : await this.catalogs.keptStats()
    if (kept) return { ...kept, volume: volumeStatsOf(await this.source.volume()), generatedAt: Date.now() }
    const { catalog, fingerprint } = await this.catalogs.current(options)
    const key = `stats:${catalog.sourceId}:${fingerprint}`
    if (options.refresh) await this.cache.delete(key)
    return this.cache.getOrSet(
      key,
      async () => {
        const stats = computeStorageStats(catalog, await this.source.volume(), new Date())
        await this.catalogs.rememberStats(stats)
        return stats
      },
      { ttlMs: STATS_TTL_MS },
    )
  }

  /**
   * Reads the photos the damage check has not read yet (newest night first) for their flags, or, with
   * `only`, those photos again; kept in the catalog and its index, so no unchanged photo is read twice.
   */
  async checkDamage(
    options: OperationOptions & { only?: readonly string[] } = {},
  ): Promise<DamageCheckResult> {
    await this.recoverOnce()
    return this.catalogs.checkDamage(options)
  }

  async backupPhotos(
    destination: string | string[],
    options: OperationOptions & { incremental?: boolean; verify?: boolean; waitForLock?: boolean } = {},
  ): Promise<BackupResult> {
    await this.recoverOnce()
    // The drive list (lsblk on Linux, a child process) is asked for while the card is listed.
    const [{ files, unreadable, deviceName }, systemMountpoints] = await Promise.all([
      listCardFiles(this.source, options.signal),
      this.systemMountpoints(),
    ])
    return backupFiles(this.source, files, Array.isArray(destination) ? destination : [destination], {
      ...options,
      deviceName,
      unreadable,
      systemMountpoints,
      sharing: this.runningBackup,
    })
  }

  /**
   * Refuses at once what the backup job would refuse at its start (a system folder, a folder on the card,
   * no drive there at all), so that a caller hears of it before a job is queued.
   */
  async checkBackupDestinations(destinations: string[]): Promise<CheckedDestination[]> {
    return checkDestinations(destinations, {
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
    options: OperationOptions & {
      dryRun?: boolean
      requireBackupAt?: string[]
      now?: Date
      nights?: readonly string[]
      allVerified?: boolean
    } = {},
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

  /** After the companion changed the card itself: its catalog is read again (stats follow its fingerprint). */
  async invalidate(): Promise<void> {
    this.catalogs.forget()
  }

  async close(): Promise<void> {
    await this.source.close()
  }
}
