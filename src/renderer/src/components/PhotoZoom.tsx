import { useEffect, useRef, useState, type PointerEvent } from 'react'
import { photoOriginalUrl, type PhotoImageUrl } from '../bridge/photoImages.js'

/** Where the zoom looks first, as fractions of the photo's width and height (the point clicked). */
export interface ZoomFocus {
  x: number
  y: number
}

interface PhotoZoomProps {
  source: string
  path: string
  alt: string
  focus: ZoomFocus
  onFit: () => void
}

/** A pointer that moved less than this between press and release clicked; more, it dragged the photo. */
const CLICK_SLOP_PX = 4

/**
 * The full-resolution original at 100 %, fetched only now (the fitted view is a screen-sized rendition),
 * centred on the point clicked. Dragging or scrolling pans it; a click, Escape or Z returns to the fitted
 * view. The arrow keys pan too while zoomed (the large view gives them to this element, which is focused).
 */
export function PhotoZoom({ source, path, alt, focus, onFit }: PhotoZoomProps) {
  const [original, setOriginal] = useState<{ path: string; value: PhotoImageUrl }>()
  const [failed, setFailed] = useState(false)
  const scroller = useRef<HTMLDivElement>(null)
  const drag = useRef<{ x: number; y: number; left: number; top: number; moved: boolean } | undefined>(
    undefined,
  )

  useEffect(() => {
    let current = true
    void photoOriginalUrl(source, path).then((value) => {
      if (current) setOriginal({ path, value })
    })
    return () => {
      current = false
    }
  }, [source, path])
  useEffect(() => scroller.current?.focus(), [])

  const centre = (image: HTMLImageElement) => {
    const element = scroller.current
    if (!element) return
    element.scrollLeft = focus.x * image.naturalWidth - element.clientWidth / 2
    element.scrollTop = focus.y * image.naturalHeight - element.clientHeight / 2
  }
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const element = scroller.current
    if (!element || event.button !== 0) return
    element.setPointerCapture(event.pointerId)
    drag.current = {
      x: event.clientX,
      y: event.clientY,
      left: element.scrollLeft,
      top: element.scrollTop,
      moved: false,
    }
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const element = scroller.current
    const start = drag.current
    if (!element || !start) return
    const dx = event.clientX - start.x
    const dy = event.clientY - start.y
    if (Math.abs(dx) + Math.abs(dy) > CLICK_SLOP_PX) start.moved = true
    element.scrollLeft = start.left - dx
    element.scrollTop = start.top - dy
  }
  const onPointerUp = () => {
    const start = drag.current
    drag.current = undefined
    if (start && !start.moved) onFit()
  }

  const shown = original?.path === path ? original.value : undefined
  const problem = shown && !shown.ok ? shown.message : failed ? 'The original cannot be shown' : undefined
  return (
    <div
      ref={scroller}
      className="photo-zoom"
      tabIndex={0}
      role="region"
      aria-label={`${alt} at 100 %: drag or use the arrow keys to move, Escape or Z to fit`}
      aria-busy={!shown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => (drag.current = undefined)}
    >
      {problem ? (
        <p className="photo-missing">{problem}</p>
      ) : shown?.ok ? (
        <img
          className="original"
          src={shown.url}
          alt={`${alt} at 100 %`}
          draggable={false}
          onLoad={(event) => centre(event.currentTarget)}
          onError={() => setFailed(true)}
        />
      ) : (
        <p className="muted">Loading the original…</p>
      )}
    </div>
  )
}
