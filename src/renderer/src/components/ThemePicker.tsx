import { ThemePreferenceSchema, type ThemePreference } from '../../../shared/settings.js'
import { useSettingsStore } from '../stores/settingsStore.js'

const LABELS: Record<ThemePreference, string> = { system: 'Like the system', light: 'Light', dark: 'Dark' }

export function ThemePicker() {
  const theme = useSettingsStore((state) => state.settings?.preferences.theme ?? 'system')
  const update = useSettingsStore((state) => state.update)
  return (
    <label className="theme-picker">
      Theme{' '}
      <select
        value={theme}
        onChange={(event) =>
          void update({ preferences: { theme: ThemePreferenceSchema.parse(event.target.value) } })
        }
      >
        {ThemePreferenceSchema.options.map((option) => (
          <option key={option} value={option}>
            {LABELS[option]}
          </option>
        ))}
      </select>
    </label>
  )
}
