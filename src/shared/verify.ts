import { z } from 'zod'
import type { Assessment } from './jobOutcome.js'

/**
 * What `verify` found for one file of a backup, compared with the manifest:
 * - `ok`: read back from the drive, its hash equals the manifest's;
 * - `changed`: its size or hash differs from the manifest's (the drive lost or altered bytes, or someone
 *   edited the copy);
 * - `missing`: listed in the manifest, not on the drive;
 * - `unlisted`: on the drive in the card folder, not in the manifest (never verified, so not a backup);
 * - `unreadable`: on the drive but the drive refused to read it back (an I/O error).
 */
export const VerifyStatusSchema = z.enum(['ok', 'changed', 'missing', 'unlisted', 'unreadable'])
export type VerifyStatus = z.infer<typeof VerifyStatusSchema>

export const VerifiedFileSchema = z.object({
  /** Relative to the card folder, with forward slashes, as in the manifest. */
  path: z.string(),
  status: VerifyStatusSchema,
  /** What went wrong, in words, for anything but `ok`. */
  reason: z.string().optional(),
})
export type VerifiedFile = z.infer<typeof VerifiedFileSchema>

export const VerifyCountsSchema = z.object({
  ok: z.number().int().nonnegative(),
  changed: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  unlisted: z.number().int().nonnegative(),
  unreadable: z.number().int().nonnegative(),
  /** Listed in the manifest but left out of a `--sample` run: neither confirmed nor doubted. */
  notSampled: z.number().int().nonnegative(),
})
export type VerifyCounts = z.infer<typeof VerifyCountsSchema>

/**
 * Where the bytes that were hashed came from: `drive` when every file was read with the page cache
 * bypassed, `cache` when at least one may have been answered from memory (the platform or filesystem
 * refused direct reads), which proves less: a drive that dropped writes can pass a cache-level check.
 */
export const ReadLevelSchema = z.enum(['drive', 'cache'])

export const VerifiedCardFolderSchema = z.object({
  cardFolder: z.string(),
  manifestPath: z.string(),
  counts: VerifyCountsSchema,
  /** Every file that is not `ok`, then the `ok` ones; `notSampled` files are only counted. */
  files: z.array(VerifiedFileSchema),
})

export const VerifyReportSchema = z.object({
  /** The drive or backup folder as named. */
  target: z.string(),
  cardFolders: z.array(VerifiedCardFolderSchema),
  counts: VerifyCountsSchema,
  readLevel: ReadLevelSchema,
  /** The share of manifest entries hashed, 1 for a full check. */
  sampleFraction: z.number().min(0).max(1),
  bytesRead: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
})
export type VerifyReport = z.infer<typeof VerifyReportSchema>

/** Anything but `ok` is a problem. Files a `--sample` run left out are neither: the user asked for a sample. */
export function verifyProblems(counts: VerifyCounts): number {
  return counts.changed + counts.missing + counts.unlisted + counts.unreadable
}

/** A verify succeeds only when every checked copy is intact and nothing is missing or unlisted. */
export function assessVerify(report: VerifyReport): Assessment {
  const problems = verifyProblems(report.counts)
  return { outcome: problems === 0 ? 'success' : 'partial', problems }
}

/** `--sample 10%`, `10%` or `10` as a fraction in (0, 1]; undefined for anything else. */
export function parseSamplePercent(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text)
  if (!match) return undefined
  const percent = Number(match[1])
  return percent > 0 && percent <= 100 ? percent / 100 : undefined
}
