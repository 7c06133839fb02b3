import { useEffect, useRef, useState } from 'react'
import { originalTypeOf, type PhotoDetails, type PhotoMark } from '../../../shared/photos.js'
import type { CatalogPhoto } from '../../../shared/storage.js'
import { callCompanion } from '../bridge/companion.js'
import { formatBytes } from '../format.js'
import { ErrorMessage } from './ErrorMessage.js'
import { PhotoImage } from './PhotoImage.js'
import { PhotoZoom, type ZoomFocus } from './PhotoZoom.js'

interface PhotoLargeViewProps {
  source: string
  /** The photos ←/→ move through, in the grid's order and filter. */
  photos: CatalogPhoto[]
  path: string
  mark: PhotoMark | undefined
  onMove: (path: string) => void
  onClose: () => void
  onMark: (mark: PhotoMark | null) => void
}

const exposure = (seconds: number | undefined) =>
  seconds === undefined ? undefined : seconds >= 1 ? `${seconds} s` : `1/${Math.round(1 / seconds)} s`

/**
 * One photo fitted to the window (a screen-sized rendition), with its capture time, night, name, size, EXIF
 * and sidecar. ←/→ move through the night, Escape closes. A click on the photo, Z or the 100 % button show
 * the full-resolution original at 100 % around that point (fetched only then); Escape, Z or a click fit it
 * again.
 */
export function PhotoLargeView({ source, photos, path, mark, onMove, onClose, onMark }: PhotoLargeViewProps) {
  const index = photos.findIndex((photo) => photo.path === path)
  const photo = photos[index]
  // Zoom belongs to one photo: moving on shows the next one fitted again.
  const [zoom, setZoom] = useState<{ path: string; focus: ZoomFocus }>()
  const zoomed = zoom?.path === path
  const zoomAt = (focus: ZoomFocus) => setZoom({ path, focus })
  const fit = () => {
    setZoom(undefined)
    dialog.current?.focus()
  }
  const [details, setDetails] = useState<{
    path: string
    value?: PhotoDetails
    error?: { message: string }
  }>()
  const dialog = useRef<HTMLDivElement>(null)

  useEffect(() => {
    let current = true
    void callCompanion('photos.details', { source, path }).then((outcome) => {
      if (!current) return
      setDetails(outcome.ok ? { path, value: outcome.value } : { path, error: outcome.error })
    })
    return () => {
      current = false
    }
  }, [source, path])

  useEffect(() => dialog.current?.focus(), [path])
  // Subscribed again at each render, so the keys always act on the photo and zoom shown now.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (zoomed) {
        // Zoomed, the arrow keys scroll the focused photo natively; Escape and Z fit it again.
        if (event.key === 'Escape' || event.key === 'z' || event.key === 'Z') fit()
        else return
      } else if (event.key === 'z' || event.key === 'Z') zoomAt({ x: 0.5, y: 0.5 })
      else if (event.key === 'Escape') onClose()
      else if (event.key === 'ArrowRight' && index + 1 < photos.length)
        onMove(photos[index + 1]?.path as string)
      else if (event.key === 'ArrowLeft' && index > 0) onMove(photos[index - 1]?.path as string)
      else return
      event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })

  if (!photo) return null
  const shown = details?.path === path ? details : undefined
  const exif = shown?.value?.exif
  const name = photo.path.slice(photo.path.lastIndexOf('/') + 1)
  return (
    <div className="photo-view" role="dialog" aria-modal="true" aria-label={name} tabIndex={-1} ref={dialog}>
      <div className="photo-view-image">
        {zoomed ? (
          <PhotoZoom key={path} source={source} path={path} alt={name} focus={zoom.focus} onFit={fit} />
        ) : (
          <PhotoImage
            kind="preview"
            source={source}
            path={photo.path}
            alt={name}
            className="preview"
            onClick={(event) => {
              const box = event.currentTarget.getBoundingClientRect()
              zoomAt({ x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height })
            }}
          />
        )}
      </div>
      <aside className="photo-view-facts">
        <div className="photo-view-nav">
          <button
            type="button"
            onClick={() => onMove(photos[index - 1]?.path as string)}
            disabled={index <= 0}
          >
            ← Previous
          </button>
          <span data-testid="photo-position">
            {index + 1} of {photos.length}
          </span>
          <button
            type="button"
            onClick={() => onMove(photos[index + 1]?.path as string)}
            disabled={index + 1 >= photos.length}
          >
            Next →
          </button>
          <button
            type="button"
            aria-pressed={zoomed}
            title={zoomed ? 'Fit to the window (Z)' : 'The original at 100 % (Z)'}
            onClick={() => (zoomed ? fit() : zoomAt({ x: 0.5, y: 0.5 }))}
            disabled={!originalTypeOf(photo.path)}
          >
            100 %
          </button>
          <button type="button" onClick={onClose} aria-label="Close (Escape)">
            ✕
          </button>
        </div>
        <h2 className="photo-view-name">{name}</h2>
        <div className="photo-view-marks" role="group" aria-label="Mark">
          <button
            type="button"
            aria-pressed={mark === 'star'}
            onClick={() => onMark(mark === 'star' ? null : 'star')}
          >
            ★ Star
          </button>
          <button
            type="button"
            aria-pressed={mark === 'reject'}
            onClick={() => onMark(mark === 'reject' ? null : 'reject')}
          >
            ✕ Reject
          </button>
        </div>
        <dl className="photo-view-list">
          <dt>Captured</dt>
          <dd data-testid="photo-captured">{photo.capturedAt.replace('T', ' ')}</dd>
          <dt>Night of</dt>
          <dd>{photo.night}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(photo.size)}</dd>
          {photo.flags.length > 0 ? (
            <>
              <dt>Damaged</dt>
              <dd className="photo-flag">{photo.flags.join(', ')}</dd>
            </>
          ) : null}
          {exif?.make || exif?.model ? (
            <>
              <dt>Camera</dt>
              <dd>{[exif.make, exif.model].filter(Boolean).join(' ')}</dd>
            </>
          ) : null}
          {exif?.exposureTime !== undefined ? (
            <>
              <dt>Exposure</dt>
              <dd>{exposure(exif.exposureTime)}</dd>
            </>
          ) : null}
          {exif?.iso !== undefined ? (
            <>
              <dt>ISO</dt>
              <dd>{exif.iso}</dd>
            </>
          ) : null}
          {exif?.width && exif.height ? (
            <>
              <dt>Pixels</dt>
              <dd>
                {exif.width} × {exif.height}
              </dd>
            </>
          ) : null}
        </dl>
        <ErrorMessage error={shown?.error} title="Could not read this photo's details" />
        {shown?.value?.sidecar !== undefined && shown.value.sidecar !== null ? (
          <>
            <h3>Sidecar</h3>
            <pre className="photo-view-sidecar" data-testid="photo-sidecar">
              {JSON.stringify(shown.value.sidecar, null, 2)}
            </pre>
          </>
        ) : null}
        {shown?.value?.sidecarProblem ? <p className="warning">{shown.value.sidecarProblem}</p> : null}
      </aside>
    </div>
  )
}
