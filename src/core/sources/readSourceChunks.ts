import { acquireChunkBuffer, releaseChunkBuffer } from '../storage/chunkBuffers.js'
import type { PhotoSource } from './photoSource.js'

/**
 * A source file front to back in chunks. Where the source reads into a caller's buffer, one pooled buffer is
 * reused, so each chunk is valid only until the next one is requested: consume (write, hash) it first.
 */
export async function* readSourceChunks(
  source: PhotoSource,
  filePath: string,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  if (!source.openReader) {
    for await (const chunk of source.createReadStream(filePath, { signal })) yield chunk as Buffer
    return
  }
  signal?.throwIfAborted()
  const reader = await source.openReader(filePath)
  const buffer = acquireChunkBuffer()
  try {
    let position = 0
    for (;;) {
      signal?.throwIfAborted()
      const bytesRead = await reader.read(buffer, position)
      if (bytesRead === 0) return
      position += bytesRead
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    releaseChunkBuffer(buffer)
    await reader.close()
  }
}

/** A whole source file in memory, for the few readers that need it so (a box's photo decoded by sharp). */
export async function readWholeFile(source: PhotoSource, filePath: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of source.createReadStream(filePath)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
