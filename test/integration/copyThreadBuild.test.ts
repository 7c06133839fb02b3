import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashFile } from '../../src/core/storage/fileHash.js'
import { readManifest } from '../../src/core/storage/manifest.js'
import type { ThreadCopyReply, ThreadCopyRequest } from '../../src/core/storage/threadedCopy.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
// A build of its own, inside the package so the bundles resolve node_modules as the real ones do.
const outDir = path.join(root, 'out', `copy-thread-test-${process.pid}`)
let dir: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'copy-thread-build-'))
  const electron = spawnSync(
    path.join(root, 'node_modules/.bin/electron-vite'),
    ['build', '--outDir', outDir, '--logLevel', 'error'],
    { cwd: root, encoding: 'utf8' },
  )
  expect(electron.status, electron.stderr).toBe(0)
  const cli = spawnSync(process.execPath, ['scripts/build-cli.mjs', path.join(outDir, 'cli')], {
    cwd: root,
    encoding: 'utf8',
  })
  expect(cli.status, cli.stderr).toBe(0)
}, 120_000)
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
  await fsp.rm(outDir, { recursive: true, force: true })
})

/** Copies one file through a copy thread started from a built entry, as the app and the CLI start it. */
async function copyWith(entry: string, name: string): Promise<void> {
  const card = path.join(dir, `card-${name}`)
  const drive = path.join(dir, `drive-${name}`)
  await fsp.mkdir(card, { recursive: true })
  await fsp.mkdir(path.join(drive, 'CARD'), { recursive: true })
  const photo = path.join(card, 'mothbox_2025_06_01__22_00_00.jpg')
  await fsp.writeFile(
    photo,
    Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(3_000_000, 7), Buffer.from([0xff, 0xd9])]),
  )
  const manifest = await fsp.open(path.join(drive, 'CARD', 'creaturebox-manifest.jsonl'), 'a')
  const finalPath = path.join(drive, 'CARD', 'night/mothbox_2025_06_01__22_00_00.jpg')
  const request: ThreadCopyRequest = {
    id: 1,
    sourcePath: photo,
    cardPath: 'night/mothbox_2025_06_01__22_00_00.jpg',
    mtimeMs: Date.UTC(2025, 5, 1, 22),
    verify: true,
    targets: [
      {
        driveSlot: 0,
        root: drive,
        device: (await fsp.stat(drive)).dev,
        finalPath,
        tempPath: `${finalPath}.partial`,
        manifestFd: manifest.fd,
      },
    ],
  }
  const flag = () => new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(entry, { workerData: { cancelFlag: flag(), givenUp: flag() } })
  try {
    const reply = await new Promise<ThreadCopyReply>((resolve, reject) => {
      worker.on('error', reject)
      worker.on('message', (message: ThreadCopyReply | { progress: unknown }) => {
        if (!('progress' in message)) resolve(message)
      })
      worker.postMessage(request)
    })
    expect(reply.targets).toEqual([{ kind: 'committed', readBack: expect.any(String) }])
    expect(await hashFile(finalPath)).toBe(reply.hash)
    expect(await hashFile(finalPath)).toBe(await hashFile(photo))
    expect((await fsp.stat(finalPath)).mtimeMs).toBe(request.mtimeMs)
    expect((await readManifest(path.join(drive, 'CARD'))).get(request.cardPath)?.hash).toBe(reply.hash)
  } finally {
    await worker.terminate()
    await manifest.close()
  }
}

describe('the copy thread of a built app and CLI', () => {
  it('starts from the desktop app build without loading its main entry (Electron) and copies verified', async () => {
    await copyWith(path.join(outDir, 'main', 'copyThread.js'), 'app')
  })

  it('starts from the CLI bundle and copies verified', async () => {
    await copyWith(path.join(outDir, 'cli', 'copyThread.mjs'), 'cli')
  })
})
