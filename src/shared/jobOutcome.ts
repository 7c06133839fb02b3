import type { JobOutcome } from './jobs.js'
import type { BackupResult, CleanupPlan, OrganizeResult } from './storage.js'

/** How a finished operation went, as a job records it and the CLI's exit code reports it. */
export interface Assessment {
  outcome: JobOutcome
  /** Files not done as asked plus drives that stopped. */
  problems: number
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0)

/** Files verified on one drive after the run: copied now, already there, or moved to the card's new layout. */
export const verifiedOnDrive = (destination: BackupResult['destinations'][number]): number =>
  destination.copied + destination.skipped + destination.moved

/**
 * What the screen and the CLI say of copies read back through the computer's memory (the drive's file
 * system refuses direct reads): checked, but not proven to be on the drive until read again after re-plugging.
 */
export const readBackFromCacheNote = (copies: number): string =>
  `${copies} ${copies === 1 ? 'copy was' : 'copies were'} read back through this computer's memory, not from ` +
  `the drive itself (its file system does not allow direct reads): unplug and re-plug the drive, then verify it ` +
  `to be sure the drive kept them`

/**
 * A backup is a success only when every file is verified on every drive. It failed when no drive took
 * anything (each stopped, or none holds a single verified file of a card that has files); anything between
 * is partial, so a missed drive or an unreadable photo is never reported as done.
 */
export function assessBackup(result: BackupResult): Assessment {
  const stopped = result.destinations.filter((destination) => destination.error).length
  const problems =
    result.failed.length + sum(result.destinations.map((destination) => destination.failed.length)) + stopped
  if (problems === 0) return { outcome: 'success', problems }
  const nothingDone =
    stopped === result.destinations.length ||
    (result.filesTotal > 0 && result.destinations.every((destination) => verifiedOnDrive(destination) === 0))
  return { outcome: nothingDone ? 'failed' : 'partial', problems }
}

/** Photos kept for lack of a verified backup, and deletions that failed, make a cleanup partial. */
export function assessCleanup(plan: CleanupPlan): Assessment {
  const problems = plan.refused.length + plan.failed.length
  return { outcome: problems === 0 ? 'success' : 'partial', problems }
}

export function assessOrganize(result: OrganizeResult): Assessment {
  // A backup run to apply the moves that missed a drive or a file is a problem of this job too.
  const problems = result.failed.length + (result.backups ? assessBackup(result.backups).problems : 0)
  return { outcome: problems === 0 ? 'success' : 'partial', problems }
}
