import path from 'node:path'
import type { ContractEvent } from '../shared/bridge.js'
import type { PhotoBatchResult } from '../shared/storage.js'
import type { Cache, CacheLogger } from './cache/index.js'
import { getCache } from './cache/index.js'
import type { CommandHandlers } from './dispatch.js'
import { JobQueue } from './jobs/index.js'
import { createPhotoHandlers, type PhotoServices } from './photos/photoHandlers.js'
import { SettingsStore } from './settings/settingsStore.js'
import { cardBackupOf, rememberBackup, setAutoBackup } from './settings/cardBackups.js'
import { boxIdOf } from '../shared/boxes.js'
import { assessBackup, assessCleanup, assessOrganize } from '../shared/jobOutcome.js'
import { CompanionError, isCompanionError } from './errors.js'
import { trustHostKey, hostKeyStatusOf } from './sources/boxHostKeys.js'
import { SessionSecretStore, type BoxSecretStore } from './sources/boxSecrets.js'
import { boxConnectionOf } from './sources/boxSource.js'
import { KNOWN_HOSTS_FILE } from './sources/appDataDir.js'
import { openSource } from './sources/openSource.js'
import type { PhotoSource } from './sources/photoSource.js'
import { DriveWatcher, listDrives } from './storage/drives.js'
import { listFolders } from './files/folderBrowser.js'
import { desktopOnlyHandlers } from './desktopOnly.js'
import { autoBackupOnInsert } from './storage/autoBackupOnInsert.js'
import { AUTOMATIC_BACKUP_PREFIX } from '../shared/cardBackups.js'
import { CatalogIndexStore } from './storage/catalogIndex.js'
import { damageCheckStarter } from './storage/damageCheckJobs.js'
import { StorageManager } from './storage/storageManager.js'
import { createVerifyExportHandlers } from './verifyExportHandlers.js'

export interface CompanionOptions {
  /** Where job history (and later settings) live: Electron's userData, or a folder given to `serve`. */
  dataDir: string
  redisUrl?: string
  logger?: CacheLogger
  concurrency?: number
  watchDrives?: boolean
  /** Sources named when starting (`serve --source`), offered by the UI before any the user added. */
  startupSources?: string[]
  /** Box passwords and key passphrases: the OS keychain in the desktop app; this session only otherwise. */
  secrets?: BoxSecretStore
  /** Pinned host keys of boxes; defaults to `known_hosts` in the data folder. */
  knownHostsPath?: string
}

export interface Companion {
  handlers: CommandHandlers
  /** A photo's original to stream (`serve`'s `GET /api/photos/original`); its input validated by the caller. */
  openPhotoOriginal: PhotoServices['openOriginal']
  jobs: JobQueue
  settings: SettingsStore
  subscribe(listener: (event: ContractEvent) => void): () => void
  close(): Promise<void>
}

/** A drive the organize's moves should reach is not there: said before anything on the card moved. */
const nothingMoved = (missing: CompanionError): CompanionError =>
  new CompanionError(
    'DESTINATION_NOT_FOUND',
    `Nothing was moved: ${missing.message}. Plug it in, or organize without applying the moves to the backups`,
  )

/**
 * The services behind the contract, wired once: the cache, the job queue with its history, a
 * StorageManager per source, the drive watcher. Electron main and `serve` hold one of these.
 */
export async function createCompanion(options: CompanionOptions): Promise<Companion> {
  const cache: Cache = await getCache({ redisUrl: options.redisUrl, logger: options.logger })
  const jobs = await JobQueue.open({
    concurrency: options.concurrency ?? 2,
    historyPath: path.join(options.dataDir, 'jobs.jsonl'),
  })
  const settings = await SettingsStore.open(options.dataDir, options.logger)
  const secrets = options.secrets ?? new SessionSecretStore()
  const knownHostsPath = options.knownHostsPath ?? path.join(options.dataDir, KNOWN_HOSTS_FILE)
  /** A configured box (`box:<id>`) with its login, or a card, folder or `sftp://` address. */
  const sourceOf = async (ref: string): Promise<{ key: string; open: () => Promise<PhotoSource> }> => {
    const boxId = boxIdOf(ref)
    if (boxId === undefined) return { key: ref, open: () => openSource(ref, { knownHostsPath }) }
    const box = settings.get().boxes.find((candidate) => candidate.id === boxId)
    if (!box) throw new CompanionError('SOURCE_NOT_FOUND', `No box with the id ${boxId} is configured`)
    const secret = await secrets.get(boxId)
    const connection = boxConnectionOf(box, secret, knownHostsPath)
    // An edited box (host, user, folder, secret) gets a new connection rather than the old one.
    const key = `${ref}\0${JSON.stringify(box)}\0${secret === undefined ? '' : 'secret'}`
    return { key, open: () => openSource(connection.ref, connection.options) }
  }
  // Catalogs kept across restarts, so a season's card opens from its index (catalogIndex.ts).
  const catalogIndex = new CatalogIndexStore(path.join(options.dataDir, 'catalog-index'), options.logger)
  const startDamageCheck = damageCheckStarter(jobs)
  const managers = new Map<string, Promise<StorageManager>>()
  const managerFor = async (ref: string): Promise<StorageManager> => {
    const { key, open } = await sourceOf(ref)
    let manager = managers.get(key)
    if (!manager) {
      manager = open().then((source) => new StorageManager(source, cache, { catalogIndex }))
      // A failed open (card not mounted, box unreachable) must not be remembered: the user will retry.
      manager.catch(() => managers.delete(key))
      managers.set(key, manager)
    }
    return manager
  }

  const listeners = new Set<(event: ContractEvent) => void>()
  const emit = (event: ContractEvent) => listeners.forEach((listener) => listener(event))
  const unsubscribeJobs = jobs.subscribe((job) => emit({ name: 'job.updated', payload: job }))
  const watcher = new DriveWatcher()
  watcher.on('change', (drives) => emit({ name: 'drives.changed', payload: drives }))
  if (options.watchDrives) watcher.start()

  /** The one way a backup starts: from the screen, the API, or on its own when a card is inserted. */
  const startBackup = async (
    source: string,
    destinations: string[],
    { incremental = true, verify = true, automatic = false } = {},
  ) => {
    const manager = await managerFor(source)
    await manager.checkBackupDestinations(destinations)
    return jobs.enqueue(
      `${automatic ? AUTOMATIC_BACKUP_PREFIX : 'Backup of'} ${source}`,
      async ({ signal, progress }) => {
        const result = await manager.backupPhotos(destinations, {
          incremental,
          verify,
          signal,
          onProgress: progress,
        })
        // Only a verified run teaches the screen which drives to tick next time.
        if (verify) await rememberBackup(settings, result)
        return result
      },
      { kind: 'backup', source, assess: assessBackup },
    )
  }
  watcher.on(
    'change',
    autoBackupOnInsert({
      settings,
      cardFolderOf: async (card) => (await managerFor(card)).cardFolderName(),
      startBackup: (card, destinations) => startBackup(card, destinations, { automatic: true }),
      logger: options.logger,
    }),
  )

  const photos = createPhotoHandlers({
    dataDir: options.dataDir,
    maxCacheBytes: () => settings.get().preferences.thumbnailCacheMb * 1024 * 1024,
    managerFor,
    jobs,
  })

  const handlers: CommandHandlers = {
    'jobs.list': async () => jobs.listJobs(),
    'jobs.get': async ({ id }) => jobs.getJob(id) ?? null,
    'jobs.cancel': async ({ id }) => jobs.cancelJob(id),
    'jobs.cleanup': async ({ maxAgeMs }) => jobs.cleanupOldJobs(maxAgeMs),
    'storage.stats': async ({ source, refresh }) => {
      const manager = await managerFor(source)
      const stats = await manager.getStorageStats({ refresh })
      startDamageCheck(source, manager, stats)
      return stats
    },
    'storage.backup': async ({ source, destinations, incremental, verify }) =>
      startBackup(source, destinations, { incremental, verify }),
    'storage.checkDestination': async ({ source, destination }) =>
      (await managerFor(source)).checkDestination(destination),
    'storage.cardBackup': async ({ source }) =>
      cardBackupOf(settings, await (await managerFor(source)).cardFolderName()),
    'storage.setAutoBackup': async ({ source, enabled }) =>
      setAutoBackup(settings, await (await managerFor(source)).cardFolderName(), enabled),
    'storage.cleanupPlan': async ({ source, daysToKeep, requireBackupAt, nights, allVerified }) =>
      (await managerFor(source)).cleanupOldPhotos(daysToKeep, {
        dryRun: true,
        requireBackupAt,
        nights,
        allVerified,
      }),
    'storage.cleanup': async ({ source, daysToKeep, requireBackupAt, nights, allVerified }) => {
      const manager = await managerFor(source)
      return jobs.enqueue(
        `Cleanup of ${source}`,
        ({ signal, progress }) =>
          manager.cleanupOldPhotos(daysToKeep, {
            dryRun: false,
            requireBackupAt,
            nights,
            allVerified,
            signal,
            onProgress: progress,
          }),
        { kind: 'cleanup', source, assess: assessCleanup },
      )
    },
    'storage.organizePlan': async ({ source, by, undo }) =>
      (await managerFor(source)).organizePhotosByDate({ by, undo, dryRun: true }),
    'storage.organize': async ({ source, by, undo, applyToBackups }) => {
      const manager = await managerFor(source)
      if (applyToBackups.length > 0) {
        // Every drive the moves should reach is there before anything moves, or nothing moves at all.
        const checked = await manager.checkBackupDestinations(applyToBackups).catch((error: unknown) => {
          throw isCompanionError(error) && error.code === 'DESTINATION_NOT_FOUND'
            ? nothingMoved(error)
            : error
        })
        const missing = checked.find((entry) => entry.missing)?.missing
        if (missing) throw nothingMoved(missing)
      }
      return jobs.enqueue(
        `Organize ${source} by ${by}${applyToBackups.length > 0 ? ', then its backups' : ''}`,
        async ({ signal, progress }) => {
          const organized = await manager.organizePhotosByDate({
            by,
            undo,
            dryRun: false,
            signal,
            onProgress: progress,
          })
          if (applyToBackups.length === 0) return organized
          // A backup after organize moves each drive's verified copies to the new paths (relocateCopies.ts),
          // re-reading them first; it copies only files no drive held yet.
          const backups = await manager.backupPhotos(applyToBackups, { signal, onProgress: progress })
          await rememberBackup(settings, backups)
          return { ...organized, backups }
        },
        { kind: 'organize', source, assess: assessOrganize },
      )
    },
    'photos.processBatch': async ({ source, photos }) => {
      const manager = await managerFor(source)
      return jobs.enqueue(
        `Process ${photos.length} photos of ${source}`,
        async ({ signal, progress }) => {
          const wanted = photos.map((name) => name.replace(/\\/g, '/').replace(/^\.?\//, ''))
          // The photos named are read again, damage flags included, whatever the catalog knew of them.
          await manager.getCatalog({ signal, refresh: true })
          await manager.checkDamage({ signal, only: wanted })
          const catalog = await manager.getCatalog({ signal })
          const byPath = new Map(catalog.photos.map((photo) => [photo.path, photo]))
          progress({ fraction: 1, filesDone: photos.length, filesTotal: photos.length })
          const result: PhotoBatchResult = {
            photos: wanted.flatMap((name) => byPath.get(name) ?? []),
            missing: wanted.filter((name) => !byPath.has(name)),
          }
          return result
        },
        { kind: 'processBatch', source },
      )
    },
    'drives.list': async () => listDrives(),
    'files.listFolders': async ({ path: folder }) => listFolders(folder),
    'boxes.probeHostKey': async (address) => hostKeyStatusOf(address, knownHostsPath),
    'boxes.trustHostKey': async ({ fingerprint, ...address }) =>
      trustHostKey(address, fingerprint, knownHostsPath),
    'boxes.setSecret': async ({ boxId, secret }) => {
      await secrets.set(boxId, secret ?? undefined)
      return { hasSecret: secret !== null, persisted: secret !== null && secrets.persistent }
    },
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => {
      const updated = await settings.update(patch)
      // A lowered bound frees the space now, not at the next thumbnail made.
      if (patch.preferences?.thumbnailCacheMb !== undefined) await photos.trimCache()
      return updated
    },
    'app.info': async () => ({ startupSources: [...(options.startupSources ?? [])] }),
    ...desktopOnlyHandlers,
    ...createVerifyExportHandlers({ dataDir: options.dataDir, jobs, managerFor }),
    ...photos.handlers,
  }

  return {
    handlers,
    openPhotoOriginal: photos.openOriginal,
    jobs,
    settings,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    close: async () => {
      watcher.stop()
      unsubscribeJobs()
      await jobs.close()
      await Promise.all(
        [...managers.values()].map((manager) => manager.then((m) => m.close()).catch(() => undefined)),
      )
      await cache.close()
    },
  }
}
