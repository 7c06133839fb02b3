import { z } from 'zod'
import { BoxAddressSchema, HostKeyStatusSchema, boxIdOf } from './boxes.js'
import {
  CamtrapExportOptionsSchema,
  CamtrapExportResultSchema,
  DeploymentSettingsSchema,
} from './camtrapDp.js'
import { CardBackupInfoSchema, DestinationCheckSchema } from './cardBackups.js'
import { FolderListingSchema } from './folderBrowser.js'
import { JobSnapshotSchema } from './jobs.js'
import {
  NightPhotosSchema,
  PhotoDetailsSchema,
  PhotoImageSchema,
  PhotoMarkSchema,
  PhotoMarksSchema,
  PhotoOriginalSchema,
  PhotoPathSchema,
  ThumbnailCacheUsageSchema,
} from './photos.js'
import { SettingsPatchSchema, SettingsSchema } from './settings.js'
import { isSftpRef } from './sftpRef.js'
import {
  CleanupPlanSchema,
  DayKeySchema,
  DEFAULT_ORGANIZE_BY,
  DriveSchema,
  OrganizeBySchema,
  OrganizeResultSchema,
  StorageStatsSchema,
} from './storage.js'

/**
 * The one contract between the UI (Electron IPC or HTTP) or the CLI and core. Every command is a name, a
 * zod schema for its input (validated by every adapter before core sees it) and a schema for its result.
 * Nothing else defines a command name or a channel.
 */

/**
 * Whether a path names the same place whoever reads it: `/…` (POSIX), `C:\…` or `C:/…` (a Windows drive),
 * `\\server\share` (UNC). Written without node:path so the UI can run it too, and so a Windows path is
 * recognised on any platform.
 */
export function isAbsoluteLocalPath(value: string): boolean {
  return value.startsWith('/') || value.startsWith('\\\\') || /^[A-Za-z]:[\\/]/.test(value)
}

/**
 * A path as the UI or a script sends it. An empty or blank one would resolve to the process's working
 * folder, and so would a relative one; that folder means nothing to a browser, and a backup or cleanup there
 * would act on files the user never named. So both are refused here, before core sees them.
 */
const pathSchema = (
  what: string,
  example: string,
  accepts: (value: string) => boolean = isAbsoluteLocalPath,
) =>
  z.string().superRefine((value, context) => {
    if (value.trim() === '') context.addIssue({ code: 'custom', message: `${what} is required` })
    else if (!accepts(value)) {
      context.addIssue({
        code: 'custom',
        message:
          `${what} must be a full path (like ${example}), not ${JSON.stringify(value)}: ` +
          "a relative path would mean the companion's own working folder",
      })
    }
  })

/**
 * Where photos are: a card or folder path on this computer, `box:<id>` for a box configured in settings, or
 * `sftp://user@host[:port]/path` (logging in with ssh-agent).
 */
export const SourceRefSchema = pathSchema(
  'The source',
  '/media/CARD, E:\\ or sftp://pi@box/photos',
  (ref) => isSftpRef(ref) || boxIdOf(ref) !== undefined || isAbsoluteLocalPath(ref),
)
/** A backup drive or folder on this computer. */
export const DestinationPathSchema = pathSchema('A destination', '/media/BACKUP or E:\\')
const DestinationsSchema = z.array(DestinationPathSchema).min(1, 'Pick at least one destination')
/** Backup drives or card folders that must hold a verified copy before cleanup deletes a photo. */
export const RequireBackupAtSchema = z.array(pathSchema('A backup location', '/media/BACKUP or E:\\'))

/** Cleanup and organize take the same input for their preview (dry run) and for the job that acts. */
const CleanupInputSchema = z
  .object({
    source: SourceRefSchema,
    daysToKeep: z.number().int().nonnegative(),
    requireBackupAt: RequireBackupAtSchema.default([]),
    /** The photos of these nights instead of those older than `daysToKeep` days (which is then ignored). */
    nights: z.array(DayKeySchema).min(1, 'Pick at least one night').optional(),
    /**
     * "Everything verified on all of my drives": every photo, whatever its age (`daysToKeep` ignored), that
     * EVERY location of `requireBackupAt` holds a verified copy of; refused when one of them is not there.
     */
    allVerified: z.boolean().default(false),
  })
  .refine((input) => !(input.allVerified && input.nights), {
    message: 'Choose either these nights or everything verified on all drives, not both',
  })
const OrganizeInputSchema = z.object({
  source: SourceRefSchema,
  by: OrganizeBySchema.default(DEFAULT_ORGANIZE_BY),
  undo: z.boolean().default(false),
})

const command = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output })

export const commands = {
  'jobs.list': command(z.object({}), z.array(JobSnapshotSchema)),
  'jobs.get': command(z.object({ id: z.string() }), JobSnapshotSchema.nullable()),
  'jobs.cancel': command(z.object({ id: z.string() }), z.boolean()),
  'jobs.cleanup': command(z.object({ maxAgeMs: z.number().int().nonnegative() }), z.number().int()),

  'storage.stats': command(
    z.object({ source: SourceRefSchema, refresh: z.boolean().default(false) }),
    StorageStatsSchema,
  ),
  'storage.backup': command(
    z.object({
      source: SourceRefSchema,
      destinations: DestinationsSchema,
      incremental: z.boolean().default(true),
      verify: z.boolean().default(true),
    }),
    JobSnapshotSchema,
  ),
  /**
   * A typed destination checked when it is added, not after Start: there, writable, not a system folder or
   * drive root, not on the card, room for this card's new files. A refusal is a result, with its reason.
   */
  'storage.checkDestination': command(
    z.object({ source: SourceRefSchema, destination: DestinationPathSchema }),
    DestinationCheckSchema,
  ),
  /** The drives this card was last backed up to, and whether it backs up on its own when inserted. */
  'storage.cardBackup': command(z.object({ source: SourceRefSchema }), CardBackupInfoSchema),
  /** Opt-in per card: back it up to its remembered drives as soon as it is inserted and they are there. */
  'storage.setAutoBackup': command(
    z.object({ source: SourceRefSchema, enabled: z.boolean() }),
    CardBackupInfoSchema,
  ),
  /** The Photos screen: one night's photos in capture order, with the card's marks. */
  'photos.night': command(z.object({ source: SourceRefSchema, night: DayKeySchema }), NightPhotosSchema),
  /** The large view's facts: EXIF (exposure, ISO, camera) and the sidecar's contents. */
  'photos.details': command(z.object({ source: SourceRefSchema, path: PhotoPathSchema }), PhotoDetailsSchema),
  /** A 320 px thumbnail (the embedded EXIF preview when there is one), from the disk cache or made once. */
  'photos.thumbnail': command(z.object({ source: SourceRefSchema, path: PhotoPathSchema }), PhotoImageSchema),
  /** A screen-sized rendition (1920 px long edge) for the large view's fitted photo. */
  'photos.preview': command(z.object({ source: SourceRefSchema, path: PhotoPathSchema }), PhotoImageSchema),
  /**
   * The full-resolution original (JPEG or PNG) for the large view's 100 % zoom, asked only when the user
   * zooms. In a browser `serve` streams it from `GET /api/photos/original` instead of this base64 answer.
   */
  'photos.original': command(
    z.object({ source: SourceRefSchema, path: PhotoPathSchema }),
    PhotoOriginalSchema,
  ),
  /**
   * Space the thumbnail cache uses now and its bound. The bound is the `thumbnailCacheMb` preference, set
   * with `settings.update`; lowering it evicts the least recently used images at once.
   */
  'photos.cacheUsage': command(z.object({}), ThumbnailCacheUsageSchema),
  /** Stars or rejects a photo (null clears it): kept per card in the app's data, never on the card. */
  'photos.setMark': command(
    z.object({ source: SourceRefSchema, path: PhotoPathSchema, mark: PhotoMarkSchema.nullable() }),
    PhotoMarksSchema,
  ),
  /** Makes and caches thumbnails as a job: the given night first, then, with `allNights`, the rest. */
  'photos.makeThumbnails': command(
    z.object({
      source: SourceRefSchema,
      night: DayKeySchema.optional(),
      allNights: z.boolean().default(false),
    }),
    JobSnapshotSchema,
  ),

  'storage.cleanupPlan': command(CleanupInputSchema, CleanupPlanSchema),
  'storage.cleanup': command(CleanupInputSchema, JobSnapshotSchema),
  'storage.organizePlan': command(OrganizeInputSchema, OrganizeResultSchema),
  'storage.organize': command(
    OrganizeInputSchema.extend({
      /**
       * Drives holding a backup of this card whose copies should follow the new layout: every one must be
       * there before anything moves; after the moves, a backup to them moves their verified copies.
       */
      applyToBackups: z.array(DestinationPathSchema).default([]),
    }),
    JobSnapshotSchema,
  ),
  /**
   * Re-reads a backup's copies from the drive itself and compares them with its manifest, as a job whose
   * result is a VerifyReport (src/shared/verify.ts). `target`: a drive, or one card folder on it.
   */
  'storage.verify': command(
    z.object({
      target: pathSchema('The backup drive or folder', '/media/BACKUP'),
      sampleFraction: z.number().gt(0).max(1).default(1),
    }),
    JobSnapshotSchema,
  ),
  /** A Camtrap DP package of a card or backup folder (src/shared/camtrapDp.ts); remembers the box's place. */
  'export.camtrapDp': command(
    CamtrapExportOptionsSchema.extend({
      source: SourceRefSchema,
      outDir: pathSchema('The package folder', '/media/BACKUP/camtrap-dp'),
    }),
    CamtrapExportResultSchema,
  ),
  /** The deployment last exported for this card's box (by device name), to fill the export dialog. */
  'export.deploymentOf': command(
    z.object({ source: SourceRefSchema }),
    z.object({ deviceName: z.string().optional(), deployment: DeploymentSettingsSchema.nullable() }),
  ),

  /**
   * `process-batch` of the original CreatureBox web app: re-reads the named photos (capture time, night,
   * damage flags) as a job whose result is `{ photos, missing }`. Nothing on the card changes.
   */
  'photos.processBatch': command(
    z.object({
      source: SourceRefSchema,
      photos: z.array(z.string().min(1)).min(1, 'Name at least one photo'),
    }),
    JobSnapshotSchema,
  ),

  'drives.list': command(z.object({}), z.array(DriveSchema)),
  /** The folder browser: folders in `path`, or the places (home folder, removable drives) without one. */
  'files.listFolders': command(
    z.object({ path: pathSchema('The folder', '/media/BACKUP').optional() }),
    FolderListingSchema,
  ),

  /**
   * Desktop app only, answered in Electron main: the system's folder dialog. `path` is null when the user
   * cancelled. `serve` answers DESKTOP_ONLY: a browser uses `files.listFolders` instead.
   */
  'desktop.chooseFolder': command(
    z.object({ title: z.string().max(200).optional() }),
    z.object({ path: z.string().nullable() }),
  ),
  /**
   * Desktop app only: shows in the system's file manager a card folder that the backup job `jobId` wrote
   * (one of its result's card folders); any other folder is refused, so the page can open nothing else.
   */
  'desktop.openFolder': command(
    z.object({ jobId: z.string().min(1), folder: pathSchema('The folder', '/media/BACKUP/box_CARD') }),
    z.object({ opened: z.literal(true) }),
  ),

  /** Connects to a box only to read its host key, and says whether it is pinned; nothing is pinned. */
  'boxes.probeHostKey': command(BoxAddressSchema, HostKeyStatusSchema),
  /**
   * Pins the host key the user confirmed. Refused (HOST_KEY_MISMATCH) when the box now presents a key with
   * another fingerprint than the one shown to the user, or when another key is already pinned for it.
   */
  'boxes.trustHostKey': command(
    BoxAddressSchema.extend({ fingerprint: z.string().startsWith('SHA256:') }),
    HostKeyStatusSchema,
  ),
  /**
   * The box's password, or its key's passphrase when the box has a key file; `null` forgets it. Kept in the
   * OS keychain (Electron safeStorage), never in settings; `persisted` is false where no keychain exists and
   * the secret lasts for this session only.
   */
  'boxes.setSecret': command(
    z.object({ boxId: z.string().min(1), secret: z.string().min(1).nullable() }),
    z.object({ hasSecret: z.boolean(), persisted: z.boolean() }),
  ),

  'settings.get': command(z.object({}), SettingsSchema),
  'settings.update': command(SettingsPatchSchema, SettingsSchema),
  /** What this companion was started with: the sources `serve --source` named, so the UI can offer them. */
  'app.info': command(z.object({}), z.object({ startupSources: z.array(z.string()) })),
} as const

export type Commands = typeof commands
export type CommandName = keyof Commands
/** What a caller may send (defaults still optional). */
export type CommandInput<N extends CommandName> = z.input<Commands[N]['input']>
/** What core receives after validation (defaults filled in). */
export type CommandArgs<N extends CommandName> = z.output<Commands[N]['input']>
export type CommandResult<N extends CommandName> = z.output<Commands[N]['output']>

export const events = {
  'job.updated': JobSnapshotSchema,
  'drives.changed': z.array(DriveSchema),
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.output<Events[E]>

export const isCommandName = (name: unknown): name is CommandName =>
  typeof name === 'string' && Object.hasOwn(commands, name)
