import { z } from 'zod'

export const JobStatusSchema = z.enum([
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
])
export type JobStatus = z.infer<typeof JobStatusSchema>

/** A job that will not change any more: history keeps it, cleanupOldJobs may drop it. */
export const isFinishedStatus = (status: JobStatus): boolean => status !== 'queued' && status !== 'running'

/** What a task reports; every field is optional because a task knows different things at different times. */
export const JobProgressUpdateSchema = z.object({
  fraction: z.number().min(0).max(1).optional(),
  message: z.string().optional(),
  bytesDone: z.number().nonnegative().optional(),
  bytesTotal: z.number().nonnegative().optional(),
  filesDone: z.number().int().nonnegative().optional(),
  filesTotal: z.number().int().nonnegative().optional(),
  currentFile: z.string().optional(),
})
export type JobProgressUpdate = z.infer<typeof JobProgressUpdateSchema>

/** Progress as published: the task's figures plus speed and ETA derived from bytes. */
export const JobProgressSchema = JobProgressUpdateSchema.extend({
  bytesPerSecond: z.number().nonnegative().optional(),
  etaSeconds: z.number().nonnegative().optional(),
})
export type JobProgress = z.infer<typeof JobProgressSchema>

export const JobErrorSchema = z.object({ type: z.string(), message: z.string() })
export type JobError = z.infer<typeof JobErrorSchema>

/** What a job does, so that screens and scripts route on a typed key rather than on its display name. */
export const JobKindSchema = z.enum([
  'backup',
  'cleanup',
  'organize',
  'processBatch',
  'verify',
  'export',
  'thumbnails',
  'checkDamage',
])
export type JobKind = z.infer<typeof JobKindSchema>

/**
 * How a completed job went, for scripts that must not parse messages: `success` when everything asked was
 * done, `partial` when some files or drives had problems (counted in `problems`), `failed` when nothing
 * asked for was done. A backup that missed a drive is never a plain success.
 */
export const JobOutcomeSchema = z.enum(['success', 'partial', 'failed'])
export type JobOutcome = z.infer<typeof JobOutcomeSchema>

export const JobSnapshotSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Absent only in history written before jobs had kinds. */
  kind: JobKindSchema.optional(),
  /** The source the job works on, as the user named it. */
  source: z.string().optional(),
  status: JobStatusSchema,
  /** Set when the job completed: see JobOutcomeSchema. */
  outcome: JobOutcomeSchema.optional(),
  /** Files and drives that were not done as asked; 0 for a success. */
  problems: z.number().int().nonnegative().optional(),
  progress: JobProgressSchema,
  result: z.unknown().optional(),
  error: JobErrorSchema.optional(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
})
export type JobSnapshot = z.infer<typeof JobSnapshotSchema>
