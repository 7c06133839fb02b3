import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState } from 'react'
import { groupSeries, type PhotoMarks, type PhotoTile } from '../../../shared/photos.js'
import type { CatalogPhoto } from '../../../shared/storage.js'
import { PhotoImage } from './PhotoImage.js'

/** A tile's box: a 160 px thumbnail plus its caption and gaps. */
const TILE_WIDTH = 176
const ROW_HEIGHT = 196

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1)

interface PhotoGridProps {
  source: string
  photos: CatalogPhoto[]
  marks: PhotoMarks
  onOpen: (path: string) => void
}

/**
 * The night's photos as a grid of thumbnails. Only the rows on screen are in the page, so 10 000 photos
 * scroll like 100. An HDR triplet (or focus bracket) is one tile with its count; it opens into its frames.
 */
export function PhotoGrid({ source, photos, marks, onOpen }: PhotoGridProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const [columns, setColumns] = useState(4)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set())

  useEffect(() => {
    const element = scroller.current
    if (!element) return
    const measure = () => setColumns(Math.max(1, Math.floor(element.clientWidth / TILE_WIDTH)))
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  const tiles = useMemo(() => {
    const grouped = groupSeries(photos)
    // An opened series shows each frame as a tile of its own, still marked as part of the series.
    return grouped.flatMap((tile): (PhotoTile & { series?: string })[] => {
      const first = tile.photos[0] as CatalogPhoto
      if (tile.photos.length > 1 && expanded.has(first.path))
        return tile.photos.map((photo) => ({ photos: [photo], series: first.path }))
      return [tile]
    })
  }, [photos, expanded])

  const rows = Math.ceil(tiles.length / columns)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 3,
  })
  const toggle = (path: string) =>
    setExpanded((current) => {
      const next = new Set(current)
      if (next.has(path)) next.delete(path)
      else next.add(path)
      return next
    })

  return (
    <div ref={scroller} className="photo-grid" role="list" aria-label="Photos of the night">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="photo-row"
            style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
          >
            {tiles.slice(row.index * columns, row.index * columns + columns).map((tile) => {
              const photo = tile.photos[0] as CatalogPhoto
              const mark = marks[photo.path]
              const damaged = tile.photos.some((frame) => frame.flags.length > 0)
              return (
                <div
                  key={photo.path}
                  role="listitem"
                  className={`photo-tile${tile.series ? ' in-series' : ''}${mark ? ` marked-${mark}` : ''}`}
                  data-path={photo.path}
                >
                  <button
                    type="button"
                    className="photo-open"
                    aria-label={`Open ${fileName(photo.path)}`}
                    onClick={() => onOpen(photo.path)}
                  >
                    <PhotoImage
                      kind="thumbnail"
                      source={source}
                      path={photo.path}
                      alt=""
                      className="thumb"
                      decorative
                    />
                  </button>
                  <div className="photo-caption">
                    <span className="photo-time">{photo.capturedAt.slice(11)}</span>
                    {mark === 'star' ? (
                      <span className="photo-mark" aria-label="starred">
                        ★
                      </span>
                    ) : mark === 'reject' ? (
                      <span className="photo-mark" aria-label="rejected">
                        ✕
                      </span>
                    ) : null}
                    {damaged ? (
                      <span className="photo-flag" title="Empty or cut off: kept and backed up as it is">
                        {tile.photos.find((frame) => frame.flags.length > 0)?.flags[0] === 'empty'
                          ? 'empty'
                          : 'damaged'}
                      </span>
                    ) : null}
                    {tile.photos.length > 1 || tile.series ? (
                      <button
                        type="button"
                        className="link photo-series"
                        aria-expanded={Boolean(tile.series)}
                        onClick={() => toggle(tile.series ?? photo.path)}
                      >
                        {tile.series ? 'close series' : `${tile.photos.length} photos`}
                      </button>
                    ) : null}
                  </div>
                </div>
              )
            })}
          </div>
        ))}
      </div>
    </div>
  )
}
