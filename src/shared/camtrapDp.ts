import { z } from 'zod'
import { isValidWallClock } from './night.js'
import { parseDeploymentZone } from './timeZone.js'

/**
 * What a Camtrap DP export asks of the person: the deployment's ID, where the box stood and its time zone
 * (boxes keep wall-clock time without a zone), and optionally when the deployment began and ended (by
 * default the first and last capture). The same rules for the CLI, the UI's export dialog and `serve`.
 */
export const DeploymentSettingsSchema = z.object({
  deploymentID: z
    .string()
    .trim()
    .min(1, 'The deployment ID is required')
    .max(200, 'The deployment ID is too long'),
  latitude: z
    .number({ error: 'The latitude is required' })
    .min(-90, 'The latitude must be between -90 and 90 degrees')
    .max(90, 'The latitude must be between -90 and 90 degrees'),
  longitude: z
    .number({ error: 'The longitude is required' })
    .min(-180, 'The longitude must be between -180 and 180 degrees')
    .max(180, 'The longitude must be between -180 and 180 degrees'),
  timeZone: z.string().refine((zone) => parseDeploymentZone(zone) !== undefined, {
    message: 'The time zone must be an IANA name like Europe/Berlin or an offset like +02:00',
  }),
})
export type DeploymentSettings = z.infer<typeof DeploymentSettingsSchema>

/** `YYYY-MM-DD` (the day's start or end) or `YYYY-MM-DDTHH:mm:ss`, on the box's wall clock. */
const WallClockBoundSchema = z
  .string()
  .refine((value) => isValidWallClock(value) || isValidWallClock(`${value}T00:00:00`), {
    message: 'Give the time as YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss, in the box’s own time',
  })

export const CamtrapExportOptionsSchema = DeploymentSettingsSchema.extend({
  start: WallClockBoundSchema.optional(),
  end: WallClockBoundSchema.optional(),
})
export type CamtrapExportOptions = z.infer<typeof CamtrapExportOptionsSchema>

export const CamtrapExportResultSchema = z.object({
  outDir: z.string(),
  files: z.array(z.string()),
  media: z.number().int().nonnegative(),
  deploymentStart: z.string(),
  deploymentEnd: z.string(),
  /** Photos not in media.csv, each with why: empty files, captures outside --start/--end. */
  leftOut: z.array(z.object({ path: z.string(), reason: z.string() })),
})
export type CamtrapExportResult = z.infer<typeof CamtrapExportResultSchema>
