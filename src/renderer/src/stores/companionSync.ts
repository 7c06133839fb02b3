import { onCompanionEvent } from '../bridge/companion.js'
import { useJobsStore } from './jobsStore.js'
import { useSettingsStore } from './settingsStore.js'
import { useSourcesStore } from './sourcesStore.js'

/**
 * The one subscription to core's events: jobs and drives flow into their stores here, never in components.
 * A finished cleanup or organize changed the card, so the selected card's figures are read again.
 */
export function startCompanionSync(): () => void {
  const unsubscribe = onCompanionEvent((event) => {
    if (event.name === 'drives.changed') return useSourcesStore.getState().setDrives(event.payload)
    const before = useJobsStore.getState().jobs[event.payload.id]
    useJobsStore.getState().apply(event.payload)
    const justFinished = event.payload.status === 'completed' && before?.status !== 'completed'
    const selected = useSourcesStore.getState().selected
    // A backup only reads the card; everything else may have changed it.
    if (justFinished && selected && event.payload.kind !== 'backup') {
      void useSourcesStore.getState().loadStats(selected, true)
    }
  })
  void useJobsStore.getState().load()
  void useSettingsStore.getState().load()
  void useSourcesStore.getState().load()
  return unsubscribe
}
