import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { StorageStats } from '../../../shared/storage.js'

interface NightBar {
  night: string
  photos: number
  gap: number
}

/** The tooltip of one night: its photos, or "no photos" and the word gap only when it has none. */
function NightTooltip({ active, payload }: { active?: boolean; payload?: { payload?: NightBar }[] }) {
  const bar = payload?.[0]?.payload
  if (!active || !bar) return null
  return (
    <div className="chart-tooltip" data-testid="night-tooltip">
      <strong>{bar.night}</strong>
      <br />
      {bar.photos > 0
        ? `${bar.photos} ${bar.photos === 1 ? 'photo' : 'photos'}`
        : 'gap: no photos this night'}
    </div>
  )
}

/**
 * Photos per night, one bar per night from the first to the last. A night without photos means the box
 * failed, so it gets a marker of its own instead of an invisible zero-height bar. Clicking a bar opens that
 * night; the same nights are in a table beside it, for keyboards and screen readers.
 */
export function NightsChart({
  nights,
  onOpenNight,
}: {
  nights: StorageStats['nights']
  onOpenNight?: (night: string) => void
}) {
  const tallest = Math.max(1, ...nights.map((night) => night.count))
  const data: NightBar[] = nights.map((night) => ({
    night: night.night,
    photos: night.count,
    // A sliver that shows where the gap is; the tooltip still says 0.
    gap: night.count === 0 ? tallest * 0.04 : 0,
  }))
  const gaps = nights.filter((night) => night.count === 0)
  return (
    <figure className="nights-chart" aria-label="Photos per night">
      <div style={{ width: '100%', height: 240 }} data-testid="nights-chart">
        <ResponsiveContainer>
          <BarChart
            data={data}
            margin={{ top: 8, right: 8, bottom: 8, left: 0 }}
            className={onOpenNight ? 'clickable-chart' : undefined}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid" />
            <XAxis dataKey="night" tick={{ fontSize: 11 }} minTickGap={12} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
            <Tooltip content={<NightTooltip />} />
            {(['photos', 'gap'] as const).map((key) => (
              <Bar
                key={key}
                dataKey={key}
                stackId="night"
                className={`bar-${key}`}
                isAnimationActive={false}
                onClick={(bar: { payload?: NightBar }) => {
                  if (bar.payload && onOpenNight) onOpenNight(bar.payload.night)
                }}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption>
        {nights.length} nights
        {gaps.length > 0 ? (
          <span className="gap-note" data-testid="night-gaps">
            {' '}
            · no photos on {gaps.length === 1 ? 'the night of' : 'the nights of'}{' '}
            {gaps.map((night) => night.night).join(', ')}
          </span>
        ) : (
          ' · no gaps'
        )}
      </figcaption>
      <details className="nights-table">
        <summary>Photos per night as a table</summary>
        <table>
          <caption className="visually-hidden">Photos per night</caption>
          <thead>
            <tr>
              <th scope="col">Night</th>
              <th scope="col">Photos</th>
              {onOpenNight ? <th scope="col">Open</th> : null}
            </tr>
          </thead>
          <tbody>
            {nights.map((night) => (
              <tr key={night.night}>
                <th scope="row">{night.night}</th>
                <td>{night.count === 0 ? '0 (gap)' : night.count}</td>
                {onOpenNight ? (
                  <td>
                    <button type="button" className="small" onClick={() => onOpenNight(night.night)}>
                      Open night {night.night}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
