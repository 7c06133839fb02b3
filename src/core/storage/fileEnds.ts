/** Bytes kept from each end of a file: enough for any magic number and JPEG's end marker with padding. */
export const FILE_END_BYTES = 16

/**
 * The first and last few bytes of a file seen as a stream of chunks, kept as copies because the chunks'
 * buffers are reused as soon as the next one is read.
 */
export class FileEnds {
  head: Uint8Array = new Uint8Array(0)
  tail: Uint8Array = new Uint8Array(0)

  update(chunk: Uint8Array): void {
    if (this.head.length < FILE_END_BYTES) {
      this.head = concat(this.head, chunk.subarray(0, FILE_END_BYTES - this.head.length))
    }
    const joined = chunk.length >= FILE_END_BYTES ? chunk : concat(this.tail, chunk)
    // A copy: Buffer's own slice() would be a view into the reused chunk buffer.
    this.tail = Uint8Array.from(joined.subarray(Math.max(0, joined.length - FILE_END_BYTES)))
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length)
  joined.set(a)
  joined.set(b, a.length)
  return joined
}
