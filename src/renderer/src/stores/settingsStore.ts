import { create } from 'zustand'
import type { CompanionErrorData } from '../../../shared/errors.js'
import type { Settings, SettingsPatch } from '../../../shared/settings.js'
import { callCompanion } from '../bridge/companion.js'

interface SettingsState {
  settings: Settings | undefined
  error: CompanionErrorData | undefined
  load(): Promise<void>
  /** Resolves to the error, if any, so a form can show it beside its fields. */
  update(patch: SettingsPatch): Promise<CompanionErrorData | undefined>
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: undefined,
  error: undefined,
  load: async () => {
    const outcome = await callCompanion('settings.get', {})
    set(outcome.ok ? { settings: outcome.value, error: undefined } : { error: outcome.error })
  },
  update: async (patch) => {
    const outcome = await callCompanion('settings.update', patch)
    if (!outcome.ok) return outcome.error
    set({ settings: outcome.value, error: undefined })
    return undefined
  },
}))
