import { isAutomaticBackup } from './cardBackups.js'
import type { JobSnapshot } from './jobs.js'

export interface JobNotice {
  title: string
  body: string
}

/**
 * What the desktop tells the user when a job ends while they may be looking elsewhere (a backup of a full
 * card takes long). Only the end of a job is worth a notification; queued and running jobs give none.
 */
export function jobEndNotice(job: JobSnapshot): JobNotice | undefined {
  switch (job.status) {
    case 'completed':
      return { title: 'Finished', body: job.name }
    case 'failed':
      return { title: 'Failed', body: `${job.name}: ${job.error?.message ?? 'unknown error'}` }
    case 'cancelled':
      return { title: 'Cancelled', body: job.name }
    case 'interrupted':
      return { title: 'Interrupted', body: `${job.name} stopped when the app closed` }
    default:
      return undefined
  }
}

/**
 * A backup that started on its own when its card was inserted is announced as it starts too: the user did
 * not click anything, and must know the card is being read before pulling it out.
 */
export function jobStartNotice(job: JobSnapshot): JobNotice | undefined {
  if (job.status !== 'running' || !isAutomaticBackup(job)) return undefined
  return { title: 'Backup started', body: `${job.name}: keep the card and the drives plugged in` }
}
