import fsp from 'node:fs/promises'
import { createXXHash128, type IHasher } from 'hash-wasm'
import type { PhotoSource } from '../sources/photoSource.js'
import { readSourceChunks } from '../sources/readSourceChunks.js'
import { acquireChunkBuffer, releaseChunkBuffer } from './chunkBuffers.js'

/**
 * XXH3-128: about 5 GB/s in WebAssembly here, far above any disk, so verifying every written byte costs
 * nothing noticeable, and 128 bits make an accidental match of two different photos impossible in practice.
 */
export const HASH_ALGORITHM = 'xxh3-128'

export interface Hasher {
  update(data: Uint8Array): void
  /** The hex digest; the hasher is spent afterwards. */
  digest(): string
}

// Instantiating the WebAssembly module costs more than hashing a photo: finished hashers are reused.
const idleHashers: IHasher[] = []

export async function createHasher(): Promise<Hasher> {
  return reuse(idleHashers.pop() ?? (await createXXHash128()))
}

/**
 * For synchronous code (a copy thread): an idle hasher, without waiting for WebAssembly. The thread makes
 * sure with keepHashersReady that there are enough before each synchronous run.
 */
export function takeReadyHasher(): Hasher {
  const hasher = idleHashers.pop()
  if (!hasher) throw new Error('No hasher ready: call keepHashersReady first')
  return reuse(hasher)
}

/** Instantiates hashers until `count` are idle (one that was never digested is not handed back). */
export async function keepHashersReady(count: number): Promise<void> {
  while (idleHashers.length < count) idleHashers.push(await createXXHash128())
}

function reuse(hasher: IHasher): Hasher {
  hasher.init()
  let spent = false
  return {
    update: (data) => {
      if (spent) throw new Error('Hasher used after digest')
      hasher.update(data)
    },
    digest: () => {
      if (spent) throw new Error('Hasher digested twice')
      spent = true
      const hex = hasher.digest('hex')
      idleHashers.push(hasher)
      return hex
    },
  }
}

/** Hash of a whole file as it is on disk now. */
export async function hashFile(absolutePath: string, signal?: AbortSignal): Promise<string> {
  const handle = await fsp.open(absolutePath, 'r')
  const buffer = acquireChunkBuffer()
  try {
    const hasher = await createHasher()
    for (;;) {
      signal?.throwIfAborted()
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) return hasher.digest()
      hasher.update(buffer.subarray(0, bytesRead))
    }
  } finally {
    releaseChunkBuffer(buffer)
    await handle.close()
  }
}

/** Hash of a file on a card or box, read as a backup reads it (into a pooled buffer where the source can). */
export async function hashSourceFile(
  source: PhotoSource,
  filePath: string,
  signal?: AbortSignal,
): Promise<string> {
  const hasher = await createHasher()
  for await (const chunk of readSourceChunks(source, filePath, signal)) hasher.update(chunk)
  return hasher.digest()
}
