import type { StorageStats } from '../../../shared/storage.js'
import { formatBytes } from '../format.js'

/** The card's volume in three parts: photos, everything else in use, free. */
export function DiskUsageBar({ stats }: { stats: StorageStats }) {
  const { totalBytes, usedBytes, freeBytes } = stats.volume
  const photos = Math.min(stats.photos.bytes, usedBytes)
  const other = Math.max(0, usedBytes - photos)
  const share = (bytes: number) => (totalBytes > 0 ? `${(bytes / totalBytes) * 100}%` : '0%')
  return (
    <figure className="disk-usage" aria-label="Disk usage">
      <div
        className="disk-bar"
        role="img"
        aria-label={`${formatBytes(photos)} photos, ${formatBytes(other)} other, ${formatBytes(freeBytes)} free`}
      >
        <span className="disk-photos" style={{ width: share(photos) }} />
        <span className="disk-other" style={{ width: share(other) }} />
      </div>
      <figcaption className="disk-legend">
        <span>
          <i className="swatch disk-photos" /> Photos {formatBytes(photos)}
        </span>
        <span>
          <i className="swatch disk-other" /> Other {formatBytes(other)}
        </span>
        <span>
          <i className="swatch disk-free" /> Free {formatBytes(freeBytes)} of {formatBytes(totalBytes)}
        </span>
      </figcaption>
    </figure>
  )
}
