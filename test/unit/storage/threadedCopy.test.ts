import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CHUNK_BYTES } from '../../../src/core/storage/chunkBuffers.js'
import { unpackedFromAsar } from '../../../src/core/storage/copyThreads.js'
import { hashFile, keepHashersReady, takeReadyHasher } from '../../../src/core/storage/fileHash.js'
import { readManifest } from '../../../src/core/storage/manifest.js'
import {
  copyLocalFile,
  type CopyThreadTools,
  type ThreadCopyRequest,
  type ThreadTarget,
} from '../../../src/core/storage/threadedCopy.js'
import { filesUnder } from '../../support/filesUnder.js'

// What a copy thread does with one file, called here on the test's own thread (copyThread.ts only carries
// the messages; the backup tests run it in real threads).

let dir: string
let photo: string
const cardPath = 'night/mothbox_2025_06_01__22_00_00.jpg'
const mtimeMs = Date.UTC(2025, 5, 1, 22)

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'threaded-copy-'))
  photo = path.join(dir, 'card.jpg')
  // Larger than one chunk: progress is reported as the copy goes.
  const body = Buffer.alloc(CHUNK_BYTES + 5_000)
  for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff
  await fsp.writeFile(
    photo,
    Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), body, Buffer.from([0xff, 0xd9])]),
  )
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

async function drive(
  name: string,
): Promise<{ target: ThreadTarget; folder: string; close: () => Promise<void> }> {
  const folder = path.join(dir, name, 'CARD')
  await fsp.mkdir(folder, { recursive: true })
  const manifest = await fsp.open(path.join(folder, 'creaturebox-manifest.jsonl'), 'a')
  const finalPath = path.join(folder, cardPath)
  const target: ThreadTarget = {
    driveSlot: name.charCodeAt(0) - 'A'.charCodeAt(0),
    root: path.join(dir, name),
    device: (await fsp.stat(dir)).dev,
    finalPath,
    tempPath: path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.partial`),
    manifestFd: manifest.fd,
  }
  return { target, folder, close: () => manifest.close() }
}

async function tools(
  overrides: Partial<CopyThreadTools> = {},
): Promise<CopyThreadTools & { reported: number[] }> {
  await keepHashersReady(5)
  const reported: number[] = []
  return {
    buffer: Buffer.allocUnsafeSlow(CHUNK_BYTES),
    newHasher: takeReadyHasher,
    isCancelled: () => false,
    isGivenUp: () => false,
    onBytes: (bytes) => reported.push(bytes),
    madeFolders: new Set(),
    reported,
    ...overrides,
  }
}

const request = (targets: ThreadTarget[]): ThreadCopyRequest => ({
  id: 7,
  sourcePath: photo,
  cardPath,
  mtimeMs,
  verify: true,
  targets,
})

describe('copyLocalFile (one file, in a copy thread)', () => {
  it('copies to every drive, read back, renamed with the card mtime and recorded in each manifest', async () => {
    const [a, b] = [await drive('A'), await drive('B')]
    const copyTools = await tools()
    const reply = copyLocalFile(request([a.target, b.target]), copyTools)
    await Promise.all([a.close(), b.close()])
    expect(reply.targets).toEqual([
      { kind: 'committed', readBack: expect.stringMatching(/^(drive|cache)$/) },
      { kind: 'committed', readBack: expect.stringMatching(/^(drive|cache)$/) },
    ])
    expect(reply.hash).toBe(await hashFile(photo))
    expect(reply.flags).toEqual([])
    expect(copyTools.reported).toEqual([CHUNK_BYTES])
    expect(reply.size).toBe((await fsp.stat(photo)).size)
    for (const { folder, target } of [a, b]) {
      expect(await hashFile(target.finalPath)).toBe(reply.hash)
      expect((await fsp.stat(target.finalPath)).mtimeMs).toBe(mtimeMs)
      expect((await readManifest(folder)).get(cardPath)).toMatchObject({ hash: reply.hash, size: reply.size })
      expect((await filesUnder(folder)).filter((name) => name.endsWith('.partial'))).toEqual([])
    }
  })

  it('makes a folder again that was removed after this thread made it', async () => {
    const a = await drive('A')
    const copyTools = await tools()
    copyTools.madeFolders.add(path.dirname(a.target.finalPath))
    const reply = copyLocalFile(request([a.target]), copyTools)
    await a.close()
    expect(reply.targets).toEqual([{ kind: 'committed', readBack: expect.any(String) }])
    expect(await hashFile(a.target.finalPath)).toBe(reply.hash)
  })

  it('leaves a different new photo verified under its temp name when the drive holds an earlier one', async () => {
    const a = await drive('A')
    await fsp.mkdir(path.dirname(a.target.finalPath), { recursive: true })
    await fsp.writeFile(a.target.finalPath, 'the earlier photo')
    const reply = copyLocalFile(request([{ ...a.target, earlierHash: 'not-this-one' }]), await tools())
    await a.close()
    expect(reply.targets).toEqual([{ kind: 'awaitingRename', readBack: expect.any(String) }])
    expect(await fsp.readFile(a.target.finalPath, 'utf8')).toBe('the earlier photo')
    expect(await hashFile(a.target.tempPath)).toBe(reply.hash)
    expect((await readManifest(a.folder)).size).toBe(0)
  })

  it('writes nothing anywhere once the run is cancelled, and leaves no temp file', async () => {
    const a = await drive('A')
    const reply = copyLocalFile(request([a.target]), await tools({ isCancelled: () => true }))
    await a.close()
    expect(reply.cancelled).toBe(true)
    expect(reply.targets).toEqual([{ kind: 'notWritten' }])
    expect(await filesUnder(a.folder)).toEqual(['creaturebox-manifest.jsonl'])
  })

  it('reports a card file that vanished, and leaves nothing of it on the drive', async () => {
    const a = await drive('A')
    await fsp.rm(photo)
    const reply = copyLocalFile(request([a.target]), await tools())
    await a.close()
    expect(reply.sourceError?.code).toBe('ENOENT')
    expect(reply.targets).toEqual([{ kind: 'notWritten' }])
    expect(await filesUnder(a.folder)).toEqual(['creaturebox-manifest.jsonl'])
  })

  it('stops writing to a drive the run gave up meanwhile, and finishes on the others', async () => {
    const [a, b] = [await drive('A'), await drive('B')]
    const reply = copyLocalFile(
      request([a.target, b.target]),
      await tools({ isGivenUp: (slot) => slot === 1 }),
    )
    await Promise.all([a.close(), b.close()])
    expect(reply.targets).toEqual([
      { kind: 'committed', readBack: expect.any(String) },
      { kind: 'notWritten' },
    ])
    expect(await hashFile(a.target.finalPath)).toBe(reply.hash)
    expect(await filesUnder(b.folder)).toEqual(['creaturebox-manifest.jsonl'])
  })

  it('never writes into a drive whose root is now another device (unplugged, its mount folder left)', async () => {
    const a = await drive('A')
    const reply = copyLocalFile(request([{ ...a.target, device: a.target.device + 1 }]), await tools())
    await a.close()
    expect(reply.targets).toEqual([{ kind: 'failed', error: expect.any(Object), driveGone: true }])
    expect(await filesUnder(a.folder)).toEqual(['creaturebox-manifest.jsonl'])
  })
})

describe('unpackedFromAsar (where the packaged app starts a copy thread)', () => {
  it('starts the thread from app.asar.unpacked when the entry was unpacked there, else where it is', async () => {
    const resources = path.join(dir, 'resources')
    const inAsar = path.join(resources, 'app.asar', 'out', 'main', 'copyThread.js')
    expect(unpackedFromAsar(inAsar)).toBe(inAsar)
    const unpacked = path.join(resources, 'app.asar.unpacked', 'out', 'main', 'copyThread.js')
    await fsp.mkdir(path.dirname(unpacked), { recursive: true })
    await fsp.writeFile(unpacked, '')
    expect(unpackedFromAsar(inAsar)).toBe(unpacked)
    expect(unpackedFromAsar(path.join(dir, 'out', 'main', 'copyThread.js'))).toBe(
      path.join(dir, 'out', 'main', 'copyThread.js'),
    )
  })
})
