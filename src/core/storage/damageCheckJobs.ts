import { isFinishedStatus, type JobStatus } from '../../shared/jobs.js'
import type { StorageStats } from '../../shared/storage.js'
import type { JobQueue } from '../jobs/index.js'
import type { StorageManager } from './storageManager.js'

/**
 * Starts the damage check of a source in the background once its stats show photos the check has not read,
 * one check per source at a time. The check gives way to the user's own work: when another job is waiting
 * for a place in the queue it stops (keeping what it read) and completes, and the next stats start it again.
 */
export function damageCheckStarter(
  jobs: JobQueue,
): (source: string, manager: StorageManager, stats: StorageStats) => void {
  const running = new Map<string, string>()
  return (source, manager, stats) => {
    if ((stats.damageChecked ?? stats.photos.count) >= stats.photos.count) return
    const current = running.get(source)
    if (current && !isFinishedStatus(jobs.getJobStatus(current) ?? ('completed' as JobStatus))) return
    // Known once enqueue returns; the task may hear of other jobs before that.
    const self: { id?: string } = {}
    const job = jobs.enqueue(
      `Damage check of ${source}`,
      async ({ signal, progress }) => {
        const giveWay = new AbortController()
        const stopIfOthersWait = jobs.subscribe((other) => {
          if (other.id !== self.id && other.status === 'queued') giveWay.abort()
        })
        signal.addEventListener('abort', () => giveWay.abort())
        try {
          return await manager.checkDamage({ signal: giveWay.signal, onProgress: progress })
        } catch (error) {
          // Giving way is no failure: what was read is kept, and a later look at the card goes on.
          if (giveWay.signal.aborted && !signal.aborted) return { gaveWay: true }
          throw error
        } finally {
          stopIfOthersWait()
        }
      },
      { kind: 'checkDamage', source },
    )
    self.id = job.id
    running.set(source, job.id)
  }
}
