import fsp from 'node:fs/promises'
import path from 'node:path'
import type { z } from 'zod'
import {
  applySettingsPatch,
  defaultSettings,
  SettingsSchema,
  type Settings,
  type SettingsPatchSchema,
} from '../../shared/settings.js'
import type { CacheLogger } from '../cache/index.js'
import { describeError, errnoCode } from '../errors.js'
import { writeFileAtomically } from '../files/writeFileAtomically.js'

export const SETTINGS_FILE_NAME = 'settings.json'

/**
 * The user's settings as one JSON file in the data folder. Every write goes to a temp file that is fsynced
 * and renamed over the old one, so a crash leaves either the old or the new settings, never half of each.
 * A file that fails validation is kept aside (never overwritten) and the app starts from defaults.
 */
export class SettingsStore {
  private writes: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly filePath: string,
    private current: Settings,
  ) {}

  static async open(dataDir: string, logger?: CacheLogger): Promise<SettingsStore> {
    const filePath = path.join(dataDir, SETTINGS_FILE_NAME)
    await fsp.mkdir(dataDir, { recursive: true })
    return new SettingsStore(filePath, await readSettings(filePath, logger))
  }

  get(): Settings {
    return structuredClone(this.current)
  }

  /** Applies the patch and resolves once the result is on disk; concurrent updates apply in call order. */
  update(patch: z.output<typeof SettingsPatchSchema>): Promise<Settings> {
    const next = this.writes.then(async () => {
      const updated = applySettingsPatch(this.current, patch)
      await writeFileAtomically(this.filePath, JSON.stringify(updated, null, 2) + '\n')
      this.current = updated
      return this.get()
    })
    this.writes = next.catch(() => undefined)
    return next
  }
}

async function readSettings(filePath: string, logger?: CacheLogger): Promise<Settings> {
  let text: string
  try {
    text = await fsp.readFile(filePath, 'utf8')
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return defaultSettings()
    throw error
  }
  try {
    return SettingsSchema.parse(JSON.parse(text))
  } catch (error) {
    const keptAt = `${filePath}.unreadable-${Date.now()}`
    await fsp.rename(filePath, keptAt)
    logger?.warn(`Settings at ${filePath} could not be read (${describeError(error)}); kept as ${keptAt}`)
    return defaultSettings()
  }
}
