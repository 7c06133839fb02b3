import { z } from 'zod'
import { OrganizeBySchema } from './storage.js'

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

export const PreferencesSchema = z.object({
  theme: ThemePreferenceSchema.default('system'),
  daysToKeep: z.number().int().nonnegative().default(30),
  organizeBy: OrganizeBySchema.default('night'),
  verifyBackups: z.boolean().default(true),
})
export type Preferences = z.infer<typeof PreferencesSchema>

export const SettingsSchema = z.object({
  version: z.literal(1).default(1),
  /** Folders the user added as sources (cards are detected, not stored). */
  folders: z.array(z.string().min(1)).default([]),
  /** Backup drives or folders chosen last time, offered again. */
  destinations: z.array(z.string().min(1)).default([]),
  boxes: z.array(ConfiguredBoxSchema).default([]),
  preferences: PreferencesSchema.prefault({}),
})
export type Settings = z.infer<typeof SettingsSchema>

/** An update replaces the lists it names and merges preferences field by field. */
export const SettingsPatchSchema = z.object({
  folders: SettingsSchema.shape.folders.optional(),
  destinations: SettingsSchema.shape.destinations.optional(),
  boxes: z.array(ConfiguredBoxSchema).optional(),
  preferences: PreferencesSchema.partial().optional(),
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
    preferences: { ...settings.preferences, ...preferences },
  })
}
