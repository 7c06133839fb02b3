import { createHash, randomBytes } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCompanionError } from '../../src/core/errors.js'
import { readSourceChunks } from '../../src/core/sources/readSourceChunks.js'
import { SftpSource, type SftpSourceOptions } from '../../src/core/sources/sftpSource.js'
import { startSshServer, type SshServer } from '../support/sshServer.js'

let server: SshServer
let box: string
/** Not a multiple of any request or buffer size, so the last request and the last chunk are both short. */
const LARGE_BYTES = 9 * 1024 * 1024 + 12_345
let large: Buffer

beforeAll(async () => {
  server = await startSshServer()
  box = path.join(server.dir, 'box')
  await fsp.mkdir(box, { recursive: true })
  large = randomBytes(LARGE_BYTES)
  await fsp.writeFile(path.join(box, 'large.bin'), large)
  await fsp.writeFile(path.join(box, 'empty.bin'), '')
  await fsp.writeFile(path.join(box, 'tiny.txt'), 'moth\n')
})
afterAll(async () => {
  await server?.dispose()
})

const openBox = (extra: Partial<SftpSourceOptions> = {}) =>
  SftpSource.open({
    ref: { username: server.user, host: server.host, port: server.port, root: box },
    auth: { privateKeyPath: server.clientKey },
    knownHostsPath: path.join(server.dir, 'known_hosts'),
    confirmNewHostKey: () => true,
    reconnect: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    ...extra,
  })

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex')

async function viaChunks(source: SftpSource, file: string): Promise<Buffer> {
  const parts: Buffer[] = []
  // Each chunk lives only until the next one is asked for: copied here, as backup hashes and writes it.
  for await (const chunk of readSourceChunks(source, file)) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts)
}

async function viaStream(source: SftpSource, file: string): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of source.createReadStream(file)) parts.push(chunk as Buffer)
  return Buffer.concat(parts)
}

describe('SftpSource.openReader against a real sshd', () => {
  it('reads the same bytes as the stream and as the file on disk, small, empty and large', async () => {
    // Small requests and few in flight, so the large file takes many refills of the read-ahead.
    const source = await openBox({ tuning: { chunkSize: 100_000, requestsInFlight: 3 } })
    try {
      for (const name of ['large.bin', 'empty.bin', 'tiny.txt']) {
        const expected = await fsp.readFile(path.join(box, name))
        const chunks = await viaChunks(source, name)
        expect(chunks.length).toBe(expected.length)
        expect(sha(chunks)).toBe(sha(expected))
        expect(sha(await viaStream(source, name))).toBe(sha(expected))
      }
    } finally {
      await source.close()
    }
  })

  it('reads at any position, backwards too, and returns 0 at and past the end', async () => {
    const source = await openBox()
    const reader = await source.openReader('large.bin')
    try {
      const buffer = Buffer.alloc(300_000)
      for (const position of [5_000_000, 17, LARGE_BYTES - 1_000, 0]) {
        // A read may return fewer bytes than the buffer holds (what has arrived), never other bytes.
        const bytesRead = await reader.read(buffer, position)
        expect(bytesRead).toBeGreaterThan(0)
        expect(buffer.subarray(0, bytesRead).equals(large.subarray(position, position + bytesRead))).toBe(
          true,
        )
        let filled = bytesRead
        while (filled < buffer.length && position + filled < LARGE_BYTES) {
          const more = await reader.read(buffer.subarray(filled), position + filled)
          expect(more).toBeGreaterThan(0)
          filled += more
        }
        expect(buffer.subarray(0, filled).equals(large.subarray(position, position + buffer.length))).toBe(
          true,
        )
      }
      expect(await reader.read(buffer, LARGE_BYTES)).toBe(0)
      expect(await reader.read(buffer, LARGE_BYTES + 10)).toBe(0)
    } finally {
      await reader.close()
      await source.close()
    }
  })

  it('goes on after the serving sshd is killed mid-read and between reads, ending with the same bytes', async () => {
    // A read-ahead far shorter than the file, so each kill surely leaves requests to make on a dead link.
    const source = await openBox({ tuning: { chunkSize: 64 * 1024, requestsInFlight: 2 } })
    try {
      const reader = await source.openReader('large.bin')
      const buffer = Buffer.alloc(1024 * 1024)
      const parts: Buffer[] = []
      let position = 0
      let killedMidRead = false
      let killedBetweenReads = false
      for (;;) {
        const sessions: number[] =
          position >= 2 * buffer.length && !killedMidRead ? await server.sessionPids() : []
        const reading = reader.read(buffer, position)
        // Killed right after the read sent its first requests: the rest of that read meets a dead link.
        for (const pid of sessions) process.kill(pid, 'SIGKILL')
        killedMidRead ||= sessions.length > 0
        const bytesRead = await reading
        if (bytesRead === 0) break
        parts.push(Buffer.from(buffer.subarray(0, bytesRead)))
        position += bytesRead
        if (position >= 6 * buffer.length && !killedBetweenReads) {
          killedBetweenReads = (await server.killSessions()) > 0
        }
      }
      await reader.close()
      expect(killedMidRead && killedBetweenReads).toBe(true)
      expect(source.reconnects).toBe(2)
      expect(sha(Buffer.concat(parts))).toBe(sha(large))
    } finally {
      await source.close()
    }
  })

  it('refuses to stitch a file that changed on the box while the link was down', async () => {
    const file = path.join(box, 'changing.bin')
    await fsp.writeFile(file, randomBytes(4 * 1024 * 1024))
    const source = await openBox({ tuning: { chunkSize: 64 * 1024, requestsInFlight: 2 } })
    try {
      const reader = await source.openReader('changing.bin')
      const buffer = Buffer.alloc(1024 * 1024)
      const firstRead = await reader.read(buffer, 0)
      expect(firstRead).toBeGreaterThan(0)
      await server.killSessions()
      await fsp.appendFile(file, 'more')
      const readToEnd = async () => {
        for (let position = firstRead; ;) {
          const bytesRead = await reader.read(buffer, position)
          if (bytesRead === 0) return undefined
          position += bytesRead
        }
      }
      const error = await readToEnd().catch((caught: unknown) => caught)
      expect((error as { code?: string }).code).toBe('EIO')
      expect((error as Error).message).toContain('changed on the box')
      await reader.close()
    } finally {
      await source.close()
    }
  })

  it('names a file that is not there', async () => {
    const source = await openBox()
    try {
      const error = await source.openReader('no such photo.jpg').catch((caught: unknown) => caught)
      expect(isCompanionError(error)).toBe(false)
      expect((error as { code?: string }).code).toBe('ENOENT')
    } finally {
      await source.close()
    }
  })
})
