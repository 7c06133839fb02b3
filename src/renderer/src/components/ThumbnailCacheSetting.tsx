import { useEffect, useState, type FormEvent } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import type { ThumbnailCacheUsage } from '../../../shared/photos.js'
import { callCompanion } from '../bridge/companion.js'
import { useSettingsStore } from '../stores/settingsStore.js'
import { ErrorMessage } from './ErrorMessage.js'

/** The settings' floor for the bound (`thumbnailCacheMb`): below it a night's thumbnails would not stay. */
const MIN_MB = 16
/** The bound is set in units of 2^20 bytes; the space used is said in the same unit, so the two compare. */
const MIB = 1024 * 1024
const inMib = (bytes: number) => `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`

/**
 * The thumbnail cache's bound, beside the space it uses now. Saving a lower bound evicts the least recently
 * used thumbnails at once; a higher one lets more of a season stay cached for browsing offline.
 */
export function ThumbnailCacheSetting() {
  const settings = useSettingsStore((state) => state.settings)
  const update = useSettingsStore((state) => state.update)
  const [usage, setUsage] = useState<ThumbnailCacheUsage>()
  const [typed, setTyped] = useState<string>()
  const [error, setError] = useState<CompanionErrorData | { message: string }>()
  const [saving, setSaving] = useState(false)

  const refresh = async () => {
    const outcome = await callCompanion('photos.cacheUsage', {})
    if (outcome.ok) setUsage(outcome.value)
    else setError(outcome.error)
  }
  useEffect(() => {
    if (!useSettingsStore.getState().settings) void useSettingsStore.getState().load()
  }, [])

  const current = settings?.preferences.thumbnailCacheMb
  const value = typed ?? (current === undefined ? '' : String(current))
  const save = async (event: FormEvent) => {
    event.preventDefault()
    const megabytes = Number(value)
    if (!Number.isInteger(megabytes) || megabytes < MIN_MB)
      return setError({ message: `The cache needs a whole number of at least ${MIN_MB} MiB` })
    setSaving(true)
    const failure = await update({ preferences: { thumbnailCacheMb: megabytes } })
    setSaving(false)
    setError(failure)
    if (!failure) setTyped(undefined)
    await refresh()
  }

  return (
    // The space used is read each time the section is opened: thumbnails are made all the while.
    <details
      className="thumbnail-cache"
      onToggle={(event) => {
        if (event.currentTarget.open) void refresh()
      }}
    >
      <summary>Thumbnail cache</summary>
      <p data-testid="thumbnail-cache-usage">
        {usage
          ? `${inMib(usage.bytes)} used by ${usage.images} images, of at most ${inMib(usage.maxBytes)}`
          : 'Reading…'}
      </p>
      <form onSubmit={(event) => void save(event)}>
        <label>
          Keep at most (MiB){' '}
          <input
            type="number"
            min={MIN_MB}
            step={1}
            value={value}
            onChange={(event) => setTyped(event.target.value)}
          />
        </label>{' '}
        <button type="submit" disabled={saving || typed === undefined}>
          Save
        </button>
      </form>
      <p className="muted">A lower bound removes the least recently used thumbnails now.</p>
      <ErrorMessage error={error} title="Could not change the cache" />
    </details>
  )
}
