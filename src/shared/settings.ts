import { z } from 'zod'
import { CardBackupSchema } from './cardBackups.js'
import { DEFAULT_ORGANIZE_BY, OrganizeBySchema } from './storage.js'

/**
 * What the user set up and expects to find again: the folders and boxes they added, the drives they back
 * up to, and their preferences. Kept in the companion's data folder (Electron's userData or `serve`'s
 * `--data-dir`), validated on every read and write.
 */

/** A CreatureBox reached over SSH/SFTP. Secrets (passwords, key passphrases) are never stored here. */
export const ConfiguredBoxSchema = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1, 'Give the box a name').max(80),
  host: z.string().trim().min(1, 'A host name or address is required'),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().trim().min(1, 'A user name is required'),
  /** Where the box keeps its photos (CreatureBox's web app default). */
  photosPath: z.string().trim().min(1).default('~/CreatureBox/photos'),
  privateKeyPath: z.string().trim().min(1).optional(),
  /** The SHA-256 host-key fingerprint the user confirmed; absent until they did. */
  hostKeyFingerprint: z.string().min(1).optional(),
})
export type ConfiguredBox = z.infer<typeof ConfiguredBoxSchema>

export const ThemePreferenceSchema = z.enum(['system', 'light', 'dark'])
export type ThemePreference = z.infer<typeof ThemePreferenceSchema>

/**
 * Each setting's type without its default. The settings file fills in defaults; an update must not: in zod 4
 * a field with `.default()` parses an absent value as the default, so a patch built from the defaulted
 * schemas would reset every list and preference it does not name.
 */
const preferenceFields = {
  theme: ThemePreferenceSchema,
  daysToKeep: z.number().int().nonnegative(),
  organizeBy: OrganizeBySchema,
  verifyBackups: z.boolean(),
  /** Bound of the thumbnail cache in the data folder; the least recently used thumbnails go beyond it. */
  thumbnailCacheMb: z.number().int().min(16),
}
const PathListSchema = z.array(z.string().min(1))
const BoxListSchema = z.array(ConfiguredBoxSchema)

export const PreferencesSchema = z.object({
  theme: preferenceFields.theme.default('system'),
  daysToKeep: preferenceFields.daysToKeep.default(30),
  organizeBy: preferenceFields.organizeBy.default(DEFAULT_ORGANIZE_BY),
  verifyBackups: preferenceFields.verifyBackups.default(true),
  thumbnailCacheMb: preferenceFields.thumbnailCacheMb.default(2048),
})
export type Preferences = z.infer<typeof PreferencesSchema>

export const SettingsSchema = z.object({
  version: z.literal(1).default(1),
  /** Folders the user added as sources (cards are detected, not stored). */
  folders: PathListSchema.default([]),
  /** Backup drives or folders chosen last time, offered again. */
  destinations: PathListSchema.default([]),
  boxes: BoxListSchema.default([]),
  preferences: PreferencesSchema.prefault({}),
  /** Per card (device name and volume label): the drives it was last backed up to, and auto-backup. */
  cardBackups: z.array(CardBackupSchema).default([]),
})
export type Settings = z.infer<typeof SettingsSchema>

/**
 * An update replaces the lists it names and merges preferences field by field; whatever it does not name
 * stays absent after parsing, and so stays as it was.
 */
export const SettingsPatchSchema = z.object({
  folders: PathListSchema.optional(),
  destinations: PathListSchema.optional(),
  boxes: BoxListSchema.optional(),
  preferences: z.object(preferenceFields).partial().optional(),
  cardBackups: z.array(CardBackupSchema).optional(),
})
export type SettingsPatch = z.input<typeof SettingsPatchSchema>

export const defaultSettings = (): Settings => SettingsSchema.parse({})

export function applySettingsPatch(
  settings: Settings,
  patch: z.output<typeof SettingsPatchSchema>,
): Settings {
  const preferences = Object.fromEntries(
    Object.entries(patch.preferences ?? {}).filter(([, value]) => value !== undefined),
  )
  return SettingsSchema.parse({
    ...settings,
    ...(patch.folders ? { folders: [...new Set(patch.folders)] } : {}),
    ...(patch.destinations ? { destinations: [...new Set(patch.destinations)] } : {}),
    ...(patch.boxes ? { boxes: patch.boxes } : {}),
    ...(patch.cardBackups ? { cardBackups: patch.cardBackups } : {}),
    preferences: { ...settings.preferences, ...preferences },
  })
}
