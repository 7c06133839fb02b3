import type { JobOutcome } from '../shared/jobs.js'

/** Exit codes scripts can rely on; documented in the README. */
export const EXIT = {
  ok: 0,
  /** The operation failed as a whole (missing card, unreadable source, every destination failed). */
  failed: 1,
  /** Bad command line. */
  usage: 2,
  /** Finished, but some files failed or were refused: read the report. */
  partial: 3,
  /** Stopped by Ctrl-C; what was complete is kept. */
  cancelled: 130,
} as const

/** The exit code of a job that completed, from its outcome (src/shared/jobOutcome.ts). */
export const exitCodeOfOutcome = (outcome: JobOutcome | undefined): number =>
  outcome === 'failed' ? EXIT.failed : outcome === 'partial' ? EXIT.partial : EXIT.ok
