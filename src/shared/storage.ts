import { z } from 'zod'

/** A day as the box's wall clock names it: `YYYY-MM-DD`. */
export const DayKeySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

/**
 * Capture times are the box's local wall-clock time with no offset (`YYYY-MM-DDTHH:mm:ss`): Mothbox names
 * and EXIF carry no reliable zone, and researchers reason in the time the box saw (docs/field-notes.md).
 */
export const WallClockSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/)

export const CaptureTimeOriginSchema = z.enum(['filename', 'exif', 'mtime'])
export type CaptureTimeOrigin = z.infer<typeof CaptureTimeOriginSchema>

export const PhotoFlagSchema = z.enum(['empty', 'corrupt'])
export type PhotoFlag = z.infer<typeof PhotoFlagSchema>

export const FileFailureSchema = z.object({
  path: z.string(),
  reason: z.string(),
  code: z.string().optional(),
})
export type FileFailure = z.infer<typeof FileFailureSchema>

export const CatalogPhotoSchema = z.object({
  /** Path relative to the source root, always with `/`. */
  path: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  capturedAt: WallClockSchema,
  captureOrigin: CaptureTimeOriginSchema,
  /** Calendar date of capture. */
  date: DayKeySchema,
  /** Noon-to-noon night, named by its evening's date. */
  night: DayKeySchema,
  /** Files that travel with this photo (sidecar `<photo>.json`), relative paths. */
  companions: z.array(z.string()),
  flags: z.array(PhotoFlagSchema),
  /**
   * false while the damage check has not read this photo yet (its flags then say only whether it is empty):
   * stats come from names and sizes first, the check fills flags in later (newest night first).
   */
  checked: z.boolean().optional(),
})
export type CatalogPhoto = z.infer<typeof CatalogPhotoSchema>

export const CatalogFileSchema = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
})
export type CatalogFile = z.infer<typeof CatalogFileSchema>

export const CatalogSchema = z.object({
  sourceId: z.string(),
  photos: z.array(CatalogPhotoSchema),
  /** Settings, logs and anything else that is not a photo or a photo's sidecar. */
  otherFiles: z.array(CatalogFileSchema),
  deviceName: z.string().optional(),
  /** Folders and files that could not be listed or read: left out of everything above, never ignored. */
  unreadable: z.array(FileFailureSchema).optional(),
})
export type Catalog = z.infer<typeof CatalogSchema>

export const CountBytesSchema = z.object({
  count: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
})

export const VolumeStatsSchema = z.object({
  totalBytes: z.number().nonnegative(),
  usedBytes: z.number().nonnegative(),
  freeBytes: z.number().nonnegative(),
})
export type VolumeStats = z.infer<typeof VolumeStatsSchema>

export const StorageStatsSchema = z.object({
  sourceId: z.string(),
  deviceName: z.string().optional(),
  volume: VolumeStatsSchema,
  photos: CountBytesSchema,
  otherFiles: CountBytesSchema,
  flagged: z.object({ empty: z.number().int(), corrupt: z.number().int() }),
  /** Folders and files that could not be read (a root-only `lost+found`): not counted above. */
  unreadable: z.array(FileFailureSchema).default([]),
  /** Photos the damage check has read so far: `flagged` counts corrupt photos among these only. */
  damageChecked: z.number().int().nonnegative().optional(),
  oldestCapture: WallClockSchema.optional(),
  newestCapture: WallClockSchema.optional(),
  /** One entry per night from the first to the last, with zero-count nights included so gaps show. */
  nights: z.array(CountBytesSchema.extend({ night: DayKeySchema })),
  dates: z.array(CountBytesSchema.extend({ date: DayKeySchema })),
  generatedAt: z.number(),
})
export type StorageStats = z.infer<typeof StorageStatsSchema>

export const DestinationResultSchema = z.object({
  destination: z.string(),
  /** Folder under the destination that holds this card's copy. */
  cardFolder: z.string(),
  manifestPath: z.string(),
  copied: z.number().int(),
  /** Already verified there by an earlier run: nothing to do. */
  skipped: z.number().int(),
  /**
   * Verified copies an earlier run made under another path (the card was organized since): moved on the
   * drive to the card's new layout, checked by hash, not copied again.
   */
  moved: z.number().int().default(0),
  /**
   * Copies made now whose read-back may have come from the computer's memory rather than the drive: its
   * file system refuses direct reads (tmpfs, some FUSE and network mounts). Still checked, but a drive that
   * dropped the writes would not be caught until the copy is read again after the drive was re-plugged.
   */
  readBackFromCache: z.number().int().default(0),
  failed: z.array(FileFailureSchema),
  bytesCopied: z.number(),
  /** Set when the whole destination failed (full, removed); the other destinations carry on. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
})
export type DestinationResult = z.infer<typeof DestinationResultSchema>

export const BackupResultSchema = z.object({
  sourceId: z.string(),
  filesTotal: z.number().int(),
  bytesTotal: z.number(),
  /** False for `--no-verify`: copies were not read back, so none is counted as verified. */
  verify: z.boolean().default(true),
  copied: z.number().int(),
  skipped: z.number().int(),
  /** Files of the card that were not copied anywhere (unreadable, vanished), with the reason. */
  failed: z.array(FileFailureSchema),
  /** Photos copied but flagged (corrupt, empty): kept, and reported so the user knows. */
  flagged: z.array(z.object({ path: z.string(), flags: z.array(PhotoFlagSchema) })),
  bytesCopied: z.number(),
  durationMs: z.number(),
  destinations: z.array(DestinationResultSchema),
})
export type BackupResult = z.infer<typeof BackupResultSchema>

export const CleanupPlanSchema = z.object({
  sourceId: z.string(),
  daysToKeep: z.number().int().nonnegative(),
  /** Photos captured before this wall-clock time are candidates. */
  cutoff: WallClockSchema,
  toDelete: z.array(
    z.object({
      path: z.string(),
      size: z.number(),
      companions: z.array(z.string()),
      backupAt: z.string(),
      /** With `allVerified`: the card folder that holds the verified copy on each drive named. */
      verifiedOn: z.array(z.string()).optional(),
    }),
  ),
  /**
   * "Everything verified on all of my drives": every photo of the card, whatever its age, was a candidate,
   * and only those verified on every drive named go (`daysToKeep` and `cutoff` then say nothing).
   */
  allVerified: z.boolean().optional(),
  refused: z.array(FileFailureSchema),
  /** Backup locations asked for that were not there (a drive not plugged in): their copies did not count. */
  unavailableBackups: z.array(z.string()),
  bytesToFree: z.number(),
  dryRun: z.boolean(),
  deleted: z.number().int(),
  bytesFreed: z.number(),
  failed: z.array(FileFailureSchema),
  removedFolders: z.array(z.string()),
})
export type CleanupPlan = z.infer<typeof CleanupPlanSchema>

export const OrganizeBySchema = z.enum(['date', 'night'])
export type OrganizeBy = z.infer<typeof OrganizeBySchema>
/** Researchers count by night (noon to noon), so that is what organize does unless told otherwise. */
export const DEFAULT_ORGANIZE_BY: OrganizeBy = 'night'

export const OrganizeMoveSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** `dedupe`: identical content already at the target, the source copy is removed instead of moved. */
  kind: z.enum(['move', 'dedupe']),
})
export type OrganizeMove = z.infer<typeof OrganizeMoveSchema>

export const OrganizeResultSchema = z.object({
  sourceId: z.string(),
  by: OrganizeBySchema,
  dryRun: z.boolean(),
  undo: z.boolean(),
  moves: z.array(OrganizeMoveSchema),
  done: z.number().int(),
  failed: z.array(FileFailureSchema),
  /**
   * "Also apply these moves to the backups": the backup run right after the moves, to the card's drives. It
   * moves each drive's verified copies to the new layout (`moved`) and copies only what no drive held yet.
   */
  backups: BackupResultSchema.optional(),
})
export type OrganizeResult = z.infer<typeof OrganizeResultSchema>

export const DriveSchema = z.object({
  device: z.string(),
  description: z.string(),
  size: z.number().nullable(),
  mountpoints: z.array(
    z.object({
      path: z.string(),
      label: z.string().nullable(),
      /** Free space when the drive was listed; a destination's check measures it again. Absent on a system drive. */
      freeBytes: z.number().nonnegative().optional(),
      /** The file system as the mount names it (`vfat`, `exfat`, `ext4`…); absent on a system drive. */
      fileSystem: z.string().optional(),
    }),
  ),
  isSystem: z.boolean(),
  isRemovable: z.boolean(),
  isReadOnly: z.boolean(),
  /** True when a mount point holds CreatureBox/Mothbox photos. */
  isCreatureBoxCard: z.boolean(),
})
export type Drive = z.infer<typeof DriveSchema>

/** Result of a `photos.processBatch` job: the catalog entries of the photos asked for. */
export const PhotoBatchResultSchema = z.object({
  photos: z.array(CatalogPhotoSchema),
  /** Requested paths that are not photos on the card (gone, misspelt, or not a photo). */
  missing: z.array(z.string()),
})
export type PhotoBatchResult = z.infer<typeof PhotoBatchResultSchema>

/**
 * The card folders a backup job wrote to, read from its result: the only folders the desktop app's "Open
 * folder" may open, so a page can never have an arbitrary path opened. Empty for any other job.
 */
export function cardFoldersWrittenBy(job: { kind?: string; result?: unknown }): string[] {
  if (job.kind !== 'backup') return []
  const result = BackupResultSchema.safeParse(job.result)
  return result.success ? result.data.destinations.map((destination) => destination.cardFolder) : []
}
