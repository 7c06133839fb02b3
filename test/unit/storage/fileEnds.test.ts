import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FILE_END_BYTES, FileEnds } from '../../../src/core/storage/fileEnds.js'

describe('FileEnds', () => {
  it('keeps the first and last bytes of a file however it is split into chunks', () => {
    fc.assert(
      fc.property(
        // size 'max': fast-check's default keeps arrays to about ten bytes, shorter than the ends kept.
        fc.uint8Array({ maxLength: 100, size: 'max' }),
        fc.array(fc.nat(100), { maxLength: 10, size: 'max' }),
        (bytes, cuts) => {
          const ends = new FileEnds()
          const points = [...new Set([0, ...cuts.map((cut) => cut % (bytes.length + 1)), bytes.length])].sort(
            (a, b) => a - b,
          )
          // Chunks are handed over in a reused Buffer (whose slice() is a view), as readSourceChunks does.
          const reused = Buffer.alloc(100)
          for (let i = 1; i < points.length; i++) {
            const chunk = bytes.subarray(points[i - 1], points[i])
            reused.set(chunk)
            ends.update(reused.subarray(0, chunk.length))
            reused.fill(0xee)
          }
          expect([...ends.head]).toEqual([...bytes.subarray(0, FILE_END_BYTES)])
          expect([...ends.tail]).toEqual([...bytes.subarray(Math.max(0, bytes.length - FILE_END_BYTES))])
        },
      ),
    )
  })
})
