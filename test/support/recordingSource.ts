import { Readable } from 'node:stream'
import type { PhotoSource } from '../../src/core/sources/photoSource.js'

export interface RecordedRead {
  path: string
  /** Bytes returned by a ranged read; NaN for a whole-file stream or reader. */
  bytes: number
  whole: boolean
}

/**
 * A source that records every read of a photo's bytes, to tell what a thumbnail cost: each read as it was
 * asked (`reads`), and the bytes that came from the source per file, whichever way they were read
 * (`bytesRead`: ranged reads, streams, and the positional reader a backup uses). `asBox` hides the local
 * root, so a photo that must be decoded is pulled through createReadStream as from a box.
 */
export function recordingSource(
  source: PhotoSource,
  options: { asBox?: boolean } = {},
): { source: PhotoSource; reads: RecordedRead[]; bytesRead: Map<string, number> } {
  const reads: RecordedRead[] = []
  const bytesRead = new Map<string, number>()
  const count = (file: string, bytes: number) => bytesRead.set(file, (bytesRead.get(file) ?? 0) + bytes)
  const recorded = Object.create(source) as PhotoSource
  // A backup's copy threads would read the card themselves, past this record.
  recorded.localPath = undefined
  recorded.readRange = async (file, start, length) => {
    const data = await source.readRange(file, start, length)
    reads.push({ path: file, bytes: data.length, whole: false })
    count(file, data.length)
    return data
  }
  recorded.createReadStream = (file, streamOptions) => {
    reads.push({ path: file, bytes: Number.NaN, whole: true })
    const inner = source.createReadStream(file, streamOptions)
    return Readable.from(
      (async function* () {
        for await (const chunk of inner) {
          count(file, (chunk as Buffer).length)
          yield chunk as Buffer
        }
      })(),
      { objectMode: false },
    )
  }
  const { openReader } = source
  if (openReader) {
    recorded.openReader = async (file) => {
      reads.push({ path: file, bytes: Number.NaN, whole: true })
      const reader = await openReader.call(source, file)
      return {
        read: async (buffer, position) => {
          const bytes = await reader.read(buffer, position)
          count(file, bytes)
          return bytes
        },
        close: () => reader.close(),
      }
    }
  }
  if (options.asBox) Object.defineProperty(recorded, 'features', { value: {} })
  return { source: recorded, reads, bytesRead }
}
