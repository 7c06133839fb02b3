import path from 'node:path'
import type { ContractEvent } from '../shared/bridge.js'
import type { PhotoBatchResult } from '../shared/storage.js'
import type { Cache, CacheLogger } from './cache/index.js'
import { getCache } from './cache/index.js'
import type { CommandHandlers } from './dispatch.js'
import { JobQueue } from './jobs/index.js'
import { SettingsStore } from './settings/settingsStore.js'
import { openSource } from './sources/openSource.js'
import { DriveWatcher, listDrives } from './storage/drives.js'
import { StorageManager } from './storage/storageManager.js'

export interface CompanionOptions {
  /** Where job history (and later settings) live: Electron's userData, or a folder given to `serve`. */
  dataDir: string
  redisUrl?: string
  logger?: CacheLogger
  concurrency?: number
  watchDrives?: boolean
  /** Sources named when starting (`serve --source`), offered by the UI before any the user added. */
  startupSources?: string[]
}

export interface Companion {
  handlers: CommandHandlers
  jobs: JobQueue
  settings: SettingsStore
  subscribe(listener: (event: ContractEvent) => void): () => void
  close(): Promise<void>
}

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
  const managers = new Map<string, Promise<StorageManager>>()
  const managerFor = (ref: string): Promise<StorageManager> => {
    let manager = managers.get(ref)
    if (!manager) {
      manager = openSource(ref).then((source) => new StorageManager(source, cache))
      // A failed open (card not mounted) must not be remembered: the user will plug it in and retry.
      manager.catch(() => managers.delete(ref))
      managers.set(ref, manager)
    }
    return manager
  }

  const listeners = new Set<(event: ContractEvent) => void>()
  const emit = (event: ContractEvent) => listeners.forEach((listener) => listener(event))
  const unsubscribeJobs = jobs.subscribe((job) => emit({ name: 'job.updated', payload: job }))
  const watcher = new DriveWatcher()
  watcher.on('change', (drives) => emit({ name: 'drives.changed', payload: drives }))
  if (options.watchDrives) watcher.start()

  const handlers: CommandHandlers = {
    'jobs.list': async () => jobs.listJobs(),
    'jobs.get': async ({ id }) => jobs.getJob(id) ?? null,
    'jobs.cancel': async ({ id }) => jobs.cancelJob(id),
    'jobs.cleanup': async ({ maxAgeMs }) => jobs.cleanupOldJobs(maxAgeMs),
    'storage.stats': async ({ source, refresh }) => (await managerFor(source)).getStorageStats({ refresh }),
    'storage.backup': async ({ source, destinations, incremental, verify }) => {
      const manager = await managerFor(source)
      return jobs.enqueue(`Backup of ${source}`, ({ signal, progress }) =>
        manager.backupPhotos(destinations, { incremental, verify, signal, onProgress: progress }),
      )
    },
    'storage.cleanupPlan': async ({ source, daysToKeep, requireBackupAt }) =>
      (await managerFor(source)).cleanupOldPhotos(daysToKeep, { dryRun: true, requireBackupAt }),
    'storage.cleanup': async ({ source, daysToKeep, requireBackupAt }) => {
      const manager = await managerFor(source)
      return jobs.enqueue(`Cleanup of ${source}`, ({ signal, progress }) =>
        manager.cleanupOldPhotos(daysToKeep, {
          dryRun: false,
          requireBackupAt,
          signal,
          onProgress: progress,
        }),
      )
    },
    'storage.organizePlan': async ({ source, by, undo }) =>
      (await managerFor(source)).organizePhotosByDate({ by, undo, dryRun: true }),
    'storage.organize': async ({ source, by, undo }) => {
      const manager = await managerFor(source)
      return jobs.enqueue(`Organize ${source} by ${by}`, ({ signal, progress }) =>
        manager.organizePhotosByDate({ by, undo, dryRun: false, signal, onProgress: progress }),
      )
    },
    'photos.processBatch': async ({ source, photos }) => {
      const manager = await managerFor(source)
      return jobs.enqueue(`Process ${photos.length} photos of ${source}`, async ({ signal, progress }) => {
        const catalog = await manager.getCatalog({ signal, refresh: true })
        const byPath = new Map(catalog.photos.map((photo) => [photo.path, photo]))
        const wanted = photos.map((name) => name.replace(/\\/g, '/').replace(/^\.?\//, ''))
        progress({ fraction: 1, filesDone: photos.length, filesTotal: photos.length })
        const result: PhotoBatchResult = {
          photos: wanted.flatMap((name) => byPath.get(name) ?? []),
          missing: wanted.filter((name) => !byPath.has(name)),
        }
        return result
      })
    },
    'drives.list': async () => listDrives(),
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => settings.update(patch),
    'app.info': async () => ({ startupSources: [...(options.startupSources ?? [])] }),
  }

  return {
    handlers,
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
