/**
 * Reusable read buffers. Copying and verifying read every byte of a card twice; a fresh buffer per chunk
 * made garbage collection the largest single cost of a backup, so buffers are handed back and reused.
 */
export const CHUNK_BYTES = 1024 * 1024

const idle: Buffer[] = []
/** More than this many idle buffers are left to the garbage collector: the pool never grows without end. */
const MAX_IDLE = 32

export function acquireChunkBuffer(): Buffer {
  return idle.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES)
}

export function releaseChunkBuffer(buffer: Buffer): void {
  if (buffer.length === CHUNK_BYTES && idle.length < MAX_IDLE) idle.push(buffer)
}
