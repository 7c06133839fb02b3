import { useEffect } from 'react'
import { useSettingsStore } from '../stores/settingsStore.js'

/** Follows the OS (CSS prefers-color-scheme) unless the user chose a theme in the settings. */
export function ThemeFollower() {
  const theme = useSettingsStore((state) => state.settings?.preferences.theme ?? 'system')
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset['theme']
    else document.documentElement.dataset['theme'] = theme
  }, [theme])
  return null
}
