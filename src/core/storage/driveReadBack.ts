import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { errnoCode } from '../errors.js'
import { createHasher, hashFile, type Hasher } from './fileHash.js'

/**
 * Reading a copy back from the drive itself, not from the page cache.
 *
 * Right after a backup writes a file, the operating system still holds its bytes in memory, so a plain
 * re-read returns what was *sent* to the drive, not what the drive *kept*: a drive that silently drops or
 * corrupts writes (cheap and fake-capacity USB sticks) passes such a check. Opening the file with O_DIRECT
 * makes every read go to the device and skip the cache (Linux; on Windows libuv maps the same flag to
 * FILE_FLAG_NO_BUFFERING). Node has no posix_fadvise or F_NOCACHE binding, and no npm package that provides
 * them is well kept, so where O_DIRECT is not available (macOS, tmpfs, some network filesystems) the file is
 * read through the cache and the result says so: `level: 'cache'`.
 *
 * O_DIRECT needs buffers whose memory address is aligned to the device's block size. Node's Buffers give no
 * such promise (a malloc'ed buffer is 16-byte aligned, and the kernel answers EINVAL); WebAssembly memory is
 * allocated in whole pages, so a Buffer over it is page-aligned.
 */
export type ReadBackLevel = 'drive' | 'cache'

export interface ReadBack {
  hash: string
  /** 'drive' when every byte came from the device; 'cache' when the page cache may have answered. */
  level: ReadBackLevel
}

/** A multiple of every block size a drive uses (512 B to 64 KiB), and one WebAssembly memory of 16 pages. */
const ALIGNED_CHUNK_BYTES = 1024 * 1024
const WASM_PAGE_BYTES = 64 * 1024
/** The largest block size a drive uses: every direct read's offset and length are multiples of it. */
const DIRECT_ALIGNMENT = 64 * 1024

/**
 * How much one direct read asks for: the rest of the file rounded up to whole aligned blocks, at most a
 * chunk. Asking for a whole chunk of a small file makes the kernel zero the buffer past its end (ext4's
 * direct reads: 900 KB zeroed per 100 KB photo, a sixth of a backup's CPU).
 */
const directReadBytes = (remaining: number): number =>
  Math.min(ALIGNED_CHUNK_BYTES, Math.ceil(Math.max(remaining, 1) / DIRECT_ALIGNMENT) * DIRECT_ALIGNMENT)

const idleAlignedBuffers: Buffer[] = []
const MAX_IDLE = 16

function acquireAlignedBuffer(): Buffer {
  return (
    idleAlignedBuffers.pop() ??
    Buffer.from(new WebAssembly.Memory({ initial: ALIGNED_CHUNK_BYTES / WASM_PAGE_BYTES }).buffer)
  )
}

function releaseAlignedBuffer(buffer: Buffer): void {
  if (idleAlignedBuffers.length < MAX_IDLE) idleAlignedBuffers.push(buffer)
}

/** The flag, where this platform's Node has it; undefined on macOS. */
const directFlag = (): number | undefined => fs.constants.O_DIRECT

/** Errors that mean "this filesystem or buffer refuses direct I/O", not "the file cannot be read". */
const refusesDirectIo = (error: unknown): boolean => errnoCode(error) === 'EINVAL'

/**
 * Hash of a file as the drive holds it. Call it after the file's data was flushed (fdatasync): a direct read
 * of a range that still has dirty pages makes the kernel write them first, which is correct but slower.
 */
export async function hashFromDrive(absolutePath: string, signal?: AbortSignal): Promise<ReadBack> {
  const flag = directFlag()
  if (flag !== undefined) {
    const hash = await hashDirect(absolutePath, flag, signal)
    if (hash !== undefined) return { hash, level: 'drive' }
  }
  return { hash: await hashFile(absolutePath, signal), level: 'cache' }
}

/** The hash read with O_DIRECT, or undefined when the filesystem refuses direct I/O for this file. */
async function hashDirect(
  absolutePath: string,
  flag: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let handle: fsp.FileHandle
  try {
    handle = await fsp.open(absolutePath, fs.constants.O_RDONLY | flag)
  } catch (error) {
    if (refusesDirectIo(error)) return undefined
    throw error
  }
  const buffer = acquireAlignedBuffer()
  try {
    const { size } = await handle.stat()
    const hasher = await createHasher()
    let position = 0
    for (;;) {
      signal?.throwIfAborted()
      let bytesRead: number
      // Whole aligned blocks at aligned offsets; the last read simply comes back short at the end of the file.
      const wanted = directReadBytes(size - position)
      try {
        ;({ bytesRead } = await handle.read(buffer, 0, wanted, position))
      } catch (error) {
        if (refusesDirectIo(error)) {
          hasher.digest()
          return undefined
        }
        throw error
      }
      hasher.update(buffer.subarray(0, bytesRead))
      position += bytesRead
      if (bytesRead === wanted && position < size) continue
      const digest = hasher.digest()
      // A short read ends the file; one before its end would leave the next offset unaligned.
      return position >= size ? digest : undefined
    }
  } finally {
    releaseAlignedBuffer(buffer)
    await handle.close()
  }
}

/**
 * hashFromDrive with synchronous calls, for a copy thread (threadedCopy.ts), where blocking is the point:
 * the same direct read, the same fallback through the cache. `buffer` is any free buffer for that fallback.
 */
export function hashFromDriveSync(
  absolutePath: string,
  buffer: Buffer,
  newHasher: () => Hasher,
  isCancelled: () => boolean,
): ReadBack {
  const flag = directFlag()
  if (flag !== undefined) {
    const hash = hashDirectSync(absolutePath, flag, newHasher, isCancelled)
    if (hash !== undefined) return { hash, level: 'drive' }
  }
  const fd = fs.openSync(absolutePath, 'r')
  try {
    const hasher = newHasher()
    for (let position = 0; ;) {
      throwIfCancelled(isCancelled)
      const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, position)
      if (bytesRead === 0) return { hash: hasher.digest(), level: 'cache' }
      hasher.update(buffer.subarray(0, bytesRead))
      position += bytesRead
    }
  } finally {
    fs.closeSync(fd)
  }
}

function hashDirectSync(
  absolutePath: string,
  flag: number,
  newHasher: () => Hasher,
  isCancelled: () => boolean,
): string | undefined {
  let fd: number
  try {
    fd = fs.openSync(absolutePath, fs.constants.O_RDONLY | flag)
  } catch (error) {
    if (refusesDirectIo(error)) return undefined
    throw error
  }
  const buffer = acquireAlignedBuffer()
  try {
    const { size } = fs.fstatSync(fd)
    const hasher = newHasher()
    for (let position = 0; ;) {
      throwIfCancelled(isCancelled)
      let bytesRead: number
      const wanted = directReadBytes(size - position)
      try {
        bytesRead = fs.readSync(fd, buffer, 0, wanted, position)
      } catch (error) {
        hasher.digest()
        if (refusesDirectIo(error)) return undefined
        throw error
      }
      hasher.update(buffer.subarray(0, bytesRead))
      position += bytesRead
      if (bytesRead === wanted && position < size) continue
      const digest = hasher.digest()
      return position >= size ? digest : undefined
    }
  } finally {
    releaseAlignedBuffer(buffer)
    fs.closeSync(fd)
  }
}

/** A run cancelled while a large copy is read back stops within a chunk, as the asynchronous read does. */
function throwIfCancelled(isCancelled: () => boolean): void {
  if (isCancelled()) throw new Error('The backup was cancelled')
}
