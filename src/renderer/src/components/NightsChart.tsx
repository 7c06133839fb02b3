import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { StorageStats } from '../../../shared/storage.js'

/**
 * Photos per night, one bar per night from the first to the last. A night without photos means the box
 * failed, so it gets a marker of its own instead of an invisible zero-height bar.
 */
export function NightsChart({ nights }: { nights: StorageStats['nights'] }) {
  const tallest = Math.max(1, ...nights.map((night) => night.count))
  const data = nights.map((night) => ({
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
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid" />
            <XAxis dataKey="night" tick={{ fontSize: 11 }} minTickGap={12} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
            <Tooltip
              formatter={(value, name) => (name === 'gap' ? ['no photos', 'gap'] : [value, 'photos'])}
              contentStyle={{
                background: 'var(--surface)',
                border: '1px solid var(--border)',
                color: 'var(--text)',
              }}
            />
            <Bar dataKey="photos" stackId="night" className="bar-photos" isAnimationActive={false} />
            <Bar dataKey="gap" stackId="night" className="bar-gap" isAnimationActive={false} />
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
    </figure>
  )
}
