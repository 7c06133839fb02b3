import { z } from 'zod'

/**
 * Every failure a user can meet has a code; the message is written once where core raises the error and
 * crosses unchanged, so the UI, the CLI and the HTTP API say the same thing. This is the shape that crosses
 * IPC and HTTP: never a stack trace.
 */
export const ErrorCodeSchema = z.enum([
  'INVALID_INPUT',
  'UNKNOWN_COMMAND',
  'SOURCE_NOT_FOUND',
  'SOURCE_UNREADABLE',
  'PATH_OUTSIDE_SOURCE',
  'DESTINATION_INSIDE_SOURCE',
  'DESTINATION_NOT_FOUND',
  'DESTINATION_FULL',
  'DESTINATION_FAILED',
  'SYSTEM_DRIVE_REFUSED',
  /** A backup destination that is a system folder, the system drive's root or a shared parent. */
  'UNSAFE_DESTINATION',
  /** The drive has less free space than this card's new photos need. */
  'DESTINATION_TOO_SMALL',
  /** Another backup is writing this card's folder on that drive (`--no-wait`). */
  'DESTINATION_BUSY',
  'UNSAFE_SOURCE_ROOT',
  /** Organize refuses a root that holds a backup made by this app: it would rearrange the backup. */
  'BACKUP_INSIDE_SOURCE',
  'FILE_VANISHED',
  'VERIFY_MISMATCH',
  /** `verify`: the folder holds no backup manifest, nor do the folders directly inside it. */
  'BACKUP_NOT_FOUND',
  /** `export`: the output folder already holds files; an export never writes among them. */
  'OUTPUT_NOT_EMPTY',
  'CANCELLED',
  /** A photo that cannot be decoded (zero bytes, cut off): it has no thumbnail or preview. */
  'PHOTO_DAMAGED',
  'JOURNAL_CORRUPT',
  'CONNECTION_FAILED',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_MISMATCH',
  'AUTH_FAILED',
  /** A box's link dropped in the middle of an operation; reconnecting may continue it. */
  'CONNECTION_LOST',
  /** `serve`: a request without the access token; Electron IPC: a caller other than the app window. */
  'UNAUTHORIZED',
  /** `serve`: no such job or route. */
  'NOT_FOUND',
  /** A command only the desktop app can answer (the system's folder dialog, opening a folder): not `serve`. */
  'DESKTOP_ONLY',
  'INTERNAL',
])
export type ErrorCode = z.infer<typeof ErrorCodeSchema>

export const CompanionErrorDataSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
})
export type CompanionErrorData = z.infer<typeof CompanionErrorDataSchema>
