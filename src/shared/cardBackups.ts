import { z } from 'zod'

/**
 * What the Backup screen needs to make "plug in, one click, safe" work: the drives each card was last
 * backed up to (remembered per card, by its device name and volume label), and a destination's check before
 * Start (Etcher's "pick, check, flash").
 */

/**
 * One card's remembered backup: `card` is the card folder name a backup writes on every drive
 * (`<device>_<volume label>`), so two cards of one box, or two boxes, never share an entry.
 */
export const CardBackupSchema = z.object({
  card: z.string().min(1),
  /** The drives or folders the last backup of this card verified everything on. */
  destinations: z.array(z.string().min(1)),
  /** Opt-in: back this card up to `destinations` on its own as soon as it is inserted and they are there. */
  autoBackup: z.boolean().default(false),
})
export type CardBackup = z.infer<typeof CardBackupSchema>

/** What the companion knows about the selected card's backups. */
export const CardBackupInfoSchema = z.object({
  /** The card folder name, the key of `CardBackupSchema`. */
  card: z.string(),
  destinations: z.array(z.string()),
  autoBackup: z.boolean(),
})
export type CardBackupInfo = z.infer<typeof CardBackupInfoSchema>

/**
 * A typed destination checked when it is added, not after Start. `accepted: false` comes with the reason
 * in words; the figures are there whenever the drive could be measured.
 */
export const DestinationCheckSchema = z.object({
  destination: z.string(),
  accepted: z.boolean(),
  refusal: z.object({ code: z.string(), message: z.string() }).optional(),
  freeBytes: z.number().nonnegative().optional(),
  /** Bytes of this card's files that drive does not yet hold verified. */
  bytesNeeded: z.number().nonnegative().optional(),
  /** Files of the card already verified there by an earlier backup. */
  alreadyVerified: z.number().int().nonnegative().optional(),
})
export type DestinationCheck = z.infer<typeof DestinationCheckSchema>

/** The name of a backup that started on its own when its card was inserted; the desktop announces its start. */
export const AUTOMATIC_BACKUP_PREFIX = 'Automatic backup of'
export const isAutomaticBackup = (job: { kind?: string; name: string }): boolean =>
  job.kind === 'backup' && job.name.startsWith(`${AUTOMATIC_BACKUP_PREFIX} `)
