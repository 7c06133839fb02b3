import { useEffect, useMemo, useRef, useState } from 'react'
import { isFinishedStatus } from '../../../shared/jobs.js'
import { callCompanion } from '../bridge/companion.js'
import { ChosenSource } from '../components/ChosenSource.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { JobProgressPanel } from '../components/JobProgressPanel.js'
import { PhotoGrid } from '../components/PhotoGrid.js'
import { PhotoLargeView } from '../components/PhotoLargeView.js'
import { ThumbnailCacheSetting } from '../components/ThumbnailCacheSetting.js'
import { useJobsStore } from '../stores/jobsStore.js'
import { useOpenedNight } from '../stores/nightStore.js'
import { passesFilter, usePhotosStore, type MarkFilter } from '../stores/photosStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'
import '../photos.css'

const FILTERS: { value: MarkFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'star', label: 'Starred' },
  { value: 'reject', label: 'Rejected' },
  { value: 'unmarked', label: 'Unmarked' },
]

/** A night judged by looking at it: its photos as thumbnails, a large view, stars and rejects. */
export function PhotosScreen() {
  const source = useSourcesStore((state) => state.selected)
  const entry = useSourcesStore((state) => (source ? state.stats[source] : undefined))
  const loadStats = useSourcesStore((state) => state.loadStats)
  const photosState = usePhotosStore()
  const { night, photos, marks, filter, viewing, loading, error } = photosState
  const hasEntry = entry !== undefined
  const nights = entry?.value?.nights

  useEffect(() => {
    if (source && !hasEntry) void loadStats(source)
  }, [source, hasEntry, loadStats])

  // The night opened on the Dashboard shows first (once each time one is opened there); otherwise the first
  // night with photos opens by itself, and a night picked here stays picked for this card.
  const opened = useOpenedNight(source)
  const appliedOpened = useRef<string | undefined>(undefined)
  useEffect(() => {
    if (!source || !nights) return
    if (opened && appliedOpened.current !== `${source}\0${opened}`) {
      appliedOpened.current = `${source}\0${opened}`
      if (nights.some((candidate) => candidate.night === opened)) {
        if (photosState.source !== source || night !== opened) void photosState.openNight(source, opened)
        return
      }
    }
    const known = photosState.source === source && nights.some((candidate) => candidate.night === night)
    if (known) return
    const first = nights.find((candidate) => candidate.count > 0) ?? nights[0]
    if (first) void photosState.openNight(source, first.night)
  }, [source, nights, night, opened, photosState])

  const shown = useMemo(
    () => photos.filter((photo) => passesFilter(filter, marks[photo.path])),
    [photos, marks, filter],
  )
  const counts = useMemo(() => {
    const result: Record<MarkFilter, number> = { all: photos.length, star: 0, reject: 0, unmarked: 0 }
    for (const photo of photos) result[marks[photo.path] ?? 'unmarked'] += 1
    return result
  }, [photos, marks])

  if (!source) {
    return (
      <section className="screen">
        <h1>Photos</h1>
        <ChosenSource source={source} />
      </section>
    )
  }
  const nightEntry = nights?.find((candidate) => candidate.night === night)
  return (
    <section className="screen photos-screen" aria-busy={loading}>
      <header className="screen-head">
        <h1>Photos</h1>
      </header>
      <ChosenSource source={source} />
      <ErrorMessage error={entry?.error} title="Could not read this source" />
      <div className="photos-controls">
        <label>
          Night{' '}
          <select
            aria-label="Night"
            value={night ?? ''}
            onChange={(event) => void photosState.openNight(source, event.target.value)}
            disabled={!nights}
          >
            {(nights ?? []).map((candidate) => (
              <option key={candidate.night} value={candidate.night}>
                {candidate.night} · {candidate.count === 0 ? 'no photos' : `${candidate.count} photos`}
              </option>
            ))}
          </select>
        </label>
        <div className="photos-filter" role="radiogroup" aria-label="Show">
          {FILTERS.map((option) => (
            <button
              key={option.value}
              type="button"
              role="radio"
              aria-checked={filter === option.value}
              className={filter === option.value ? 'primary' : undefined}
              onClick={() => photosState.setFilter(option.value)}
            >
              {option.label} ({counts[option.value]})
            </button>
          ))}
        </div>
      </div>
      <div className="photos-tools">
        <ThumbnailJobButton source={source} night={night} />
        <ThumbnailCacheSetting />
      </div>
      <ErrorMessage error={error} title="Could not show this night" />
      {!loading && night && photos.length === 0 && !error ? (
        <p className="warning" data-testid="empty-night">
          No photos on the night of {night}
          {nightEntry?.count === 0 ? ': the box took none (it may have failed that night).' : '.'}
        </p>
      ) : null}
      {photos.length > 0 && shown.length === 0 ? (
        <p className="muted">No photo of this night matches.</p>
      ) : null}
      {shown.length > 0 ? (
        <PhotoGrid source={source} photos={shown} marks={marks} onOpen={(path) => photosState.view(path)} />
      ) : null}
      {viewing ? (
        <PhotoLargeView
          source={source}
          // A photo unmarked while the filter hides unmarked ones stays in view, among the whole night.
          photos={shown.some((photo) => photo.path === viewing) ? shown : photos}
          path={viewing}
          mark={marks[viewing]}
          onMove={(path) => photosState.view(path)}
          onClose={() => photosState.view(undefined)}
          onMark={(mark) => void photosState.setMark(viewing, mark)}
        />
      ) : null}
    </section>
  )
}

/**
 * Thumbnails are made on demand as the grid scrolls; this job makes the whole card's ahead of time (the
 * night in view first), in the background, so the card can be browsed offline or from a slow box later.
 * Its progress shows in a job panel, with Cancel; what was made stays cached.
 */
function ThumbnailJobButton({ source, night }: { source: string; night: string | undefined }) {
  const [jobId, setJobId] = useState<string>()
  const [startError, setStartError] = useState<{ message: string }>()
  const job = useJobsStore((state) => (jobId ? state.jobs[jobId] : undefined))
  const running = job !== undefined && !isFinishedStatus(job.status)
  const start = async () => {
    const outcome = await callCompanion('photos.makeThumbnails', { source, night, allNights: true })
    if (!outcome.ok) return setStartError(outcome.error)
    setStartError(undefined)
    useJobsStore.getState().apply(outcome.value)
    setJobId(outcome.value.id)
  }
  return (
    <div className="thumbnail-job">
      <button type="button" onClick={() => void start()} disabled={running}>
        Prepare all thumbnails
      </button>
      {jobId ? (
        <JobProgressPanel
          key={jobId}
          jobId={jobId}
          label="Thumbnails"
          cancelledNote="Stopped on request. The thumbnails already made are kept."
        />
      ) : null}
      <ErrorMessage error={startError} />
    </div>
  )
}
