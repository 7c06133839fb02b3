import { useEffect, useState, type MouseEvent } from 'react'
import type { PhotoImageKind } from '../../../shared/photos.js'
import { photoImageUrl, type PhotoImageUrl } from '../bridge/photoImages.js'

interface PhotoImageProps {
  kind: PhotoImageKind
  source: string
  path: string
  alt: string
  className?: string
  onClick?: (event: MouseEvent<HTMLImageElement>) => void
  /** Inside a control that names the photo already: its loading or error text is for the eyes only. */
  decorative?: boolean
}

/**
 * A photo's thumbnail or preview. Made on demand (from the disk cache, or the embedded preview, or decoded
 * once): until it arrives the tile keeps its size, and a photo that cannot be shown says so instead.
 */
export function PhotoImage({ kind, source, path, alt, className, onClick, decorative }: PhotoImageProps) {
  const [state, setState] = useState<{ key: string; value: PhotoImageUrl } | undefined>()
  const [failed, setFailed] = useState<string | undefined>()
  const key = `${kind}\0${source}\0${path}`
  useEffect(() => {
    let current = true
    void photoImageUrl(kind, source, path).then((value) => {
      if (current) setState({ key, value })
    })
    return () => {
      current = false
    }
  }, [kind, source, path, key])

  const image = state?.key === key ? state.value : undefined
  const problem = image && !image.ok ? image.message : failed === key ? 'Cannot be shown' : undefined
  if (problem !== undefined) {
    // In a grid tile the text would be part of the button's name: there, a hatched box with a tooltip.
    return decorative ? (
      <span className={`${className ?? ''} photo-missing`} title={problem} />
    ) : (
      <span className={`${className ?? ''} photo-missing`}>{problem}</span>
    )
  }
  if (!image?.ok) return <span className={`${className ?? ''} photo-loading`} aria-busy="true" />
  return (
    <img
      className={className}
      src={image.url}
      alt={alt}
      decoding="async"
      draggable={false}
      onClick={onClick}
      // serve answers 422 for a damaged photo: the <img> only sees an error.
      onError={() => setFailed(key)}
    />
  )
}
