import { lazy, Suspense, useEffect } from 'react'
import { DiskUsageBar } from '../components/DiskUsageBar.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { SourceName } from '../components/SourceName.js'
import { formatBytes, formatWallClock } from '../format.js'
import { useNavigationStore } from '../stores/navigationStore.js'
import { useNightStore, useOpenedNight } from '../stores/nightStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'

// The chart library is most of the UI's code: loaded only when a chart is shown, so the first page of a
// browser on a box's slow Wi-Fi arrives sooner.
const NightsChart = lazy(() =>
  import('../components/NightsChart.js').then((module) => ({ default: module.NightsChart })),
)

export function DashboardScreen() {
  const source = useSourcesStore((state) => state.selected)
  const entry = useSourcesStore((state) => (source ? state.stats[source] : undefined))
  const loadStats = useSourcesStore((state) => state.loadStats)
  const go = useNavigationStore((state) => state.go)
  const openNight = useNightStore((state) => state.open)
  const opened = useOpenedNight(source)
  const hasEntry = entry !== undefined

  useEffect(() => {
    if (source && !hasEntry) void loadStats(source)
  }, [source, hasEntry, loadStats])

  if (!source) {
    return (
      <section className="screen">
        <h1>Dashboard</h1>
        <p>
          No card or folder chosen yet.{' '}
          <button type="button" className="link" onClick={() => go('sources')}>
            Choose a source
          </button>
        </p>
      </section>
    )
  }
  const stats = entry?.value
  return (
    <section className="screen" aria-busy={entry?.loading ?? true}>
      <header className="screen-head">
        <h1>Dashboard</h1>
        <button type="button" onClick={() => void loadStats(source, true)} disabled={entry?.loading}>
          {entry?.loading ? 'Reading the card…' : 'Read the card again'}
        </button>
      </header>
      <p className="muted source-line">
        <SourceName source={source} />
        {stats?.deviceName ? ` · box ${stats.deviceName}` : ''}
      </p>
      <ErrorMessage error={entry?.error} title="Could not read this source" />
      {stats ? (
        <>
          <DiskUsageBar stats={stats} />
          <dl className="figures big" aria-label="Card figures">
            <div>
              <dt>Photos</dt>
              <dd data-testid="photo-count">{stats.photos.count.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Photo data</dt>
              <dd data-testid="photo-bytes">{formatBytes(stats.photos.bytes)}</dd>
            </div>
            <div>
              <dt>Oldest capture</dt>
              <dd data-testid="oldest-capture">{formatWallClock(stats.oldestCapture)}</dd>
            </div>
            <div>
              <dt>Newest capture</dt>
              <dd data-testid="newest-capture">{formatWallClock(stats.newestCapture)}</dd>
            </div>
          </dl>
          {stats.flagged.empty + stats.flagged.corrupt > 0 ? (
            <p className="warning">
              {stats.flagged.empty} empty and {stats.flagged.corrupt} damaged photos on the card (kept and
              backed up as they are).
            </p>
          ) : null}
          <h2>Photos per night</h2>
          {stats.nights.length > 0 ? (
            <Suspense fallback={<p className="muted">Drawing the chart…</p>}>
              <NightsChart nights={stats.nights} onOpenNight={(night) => openNight(source, night)} />
            </Suspense>
          ) : (
            <p>No photos on this source.</p>
          )}
          {opened ? (
            <section className="panel night-panel" aria-label={`Night of ${opened}`}>
              <strong>Night of {opened}</strong>:{' '}
              {stats.nights.find((night) => night.night === opened)?.count ?? 0} photos{' '}
              <button type="button" onClick={() => go('photos')}>
                See its photos
              </button>{' '}
              <button type="button" onClick={() => go('cleanup')}>
                Clean up this night
              </button>
            </section>
          ) : null}
          <p className="muted">Figures from {new Date(stats.generatedAt).toLocaleString()}.</p>
        </>
      ) : null}
    </section>
  )
}
