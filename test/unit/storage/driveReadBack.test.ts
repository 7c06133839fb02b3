import { randomBytes } from 'node:crypto'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashFromDrive } from '../../../src/core/storage/driveReadBack.js'
import { hashFile } from '../../../src/core/storage/fileHash.js'

let dir: string
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'readback-'))
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

const MiB = 1024 * 1024
const EXT4_MAGIC = 0xef53

describe('hashFromDrive', () => {
  // Direct reads go in aligned 1 MiB chunks: the sizes around a chunk's end are where a short read ends a file.
  it.each([0, 1, 4095, 4096, MiB - 1, MiB, MiB + 1, 3 * MiB + 517])(
    'hashes a %i-byte file exactly as a plain read does, from the drive itself',
    async (size) => {
      const file = path.join(dir, `file-${size}`)
      await fsp.writeFile(file, randomBytes(size))
      const readBack = await hashFromDrive(file)
      expect(readBack.hash).toBe(await hashFile(file))
      // On ext4 direct reads must work, not fall back silently to the cache.
      if ((await fsp.statfs(dir)).type === EXT4_MAGIC) expect(readBack.level).toBe('drive')
    },
  )

  it('fails for a file that is not there, like any read', async () => {
    await expect(hashFromDrive(path.join(dir, 'absent'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('stops when cancelled', async () => {
    const file = path.join(dir, 'cancelled')
    await fsp.writeFile(file, randomBytes(2 * MiB))
    await expect(hashFromDrive(file, AbortSignal.abort())).rejects.toThrow()
  })
})
