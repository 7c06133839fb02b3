import type { PhotoSource } from '../../src/core/sources/photoSource.js'

export interface RecordedRead {
  path: string
  /** Bytes returned by a ranged read; NaN for a whole-file stream. */
  bytes: number
  whole: boolean
}

/**
 * A source that records every read of a photo's bytes, to tell what a thumbnail cost. `asBox` hides the
 * local root, so a photo that must be decoded is pulled through createReadStream as from a box.
 */
export function recordingSource(
  source: PhotoSource,
  options: { asBox?: boolean } = {},
): { source: PhotoSource; reads: RecordedRead[] } {
  const reads: RecordedRead[] = []
  const recorded = Object.create(source) as PhotoSource
  recorded.readRange = async (file, start, length) => {
    const data = await source.readRange(file, start, length)
    reads.push({ path: file, bytes: data.length, whole: false })
    return data
  }
  recorded.createReadStream = (file, streamOptions) => {
    reads.push({ path: file, bytes: Number.NaN, whole: true })
    return source.createReadStream(file, streamOptions)
  }
  if (options.asBox) Object.defineProperty(recorded, 'features', { value: {} })
  return { source: recorded, reads }
}
