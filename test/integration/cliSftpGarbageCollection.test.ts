import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashFile } from '../../src/core/storage/fileHash.js'
import { startSshServer, type SshServer } from '../support/sshServer.js'

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
const megabytes = 1024
const photo = 'big_2026_11_20__22_00_00_HDR0.jpg'
let server: SshServer
let box: string

beforeAll(async () => {
  server = await startSshServer()
  box = path.join(server.dir, 'box', 'photos', '2026_11_20')
  await fsp.mkdir(box, { recursive: true })
  const block = randomBytes(1024 * 1024)
  const file = fs.openSync(path.join(box, photo), 'w')
  for (let i = 0; i < megabytes; i++) fs.writeSync(file, block)
  fs.closeSync(file)
})
afterAll(async () => {
  await server?.dispose()
})

describe('creaturebox backup of a box, garbage collection', () => {
  // Without TRANSFER_V8_FLAGS this backup ran 19 full collections here (only 2–3 for 512 MB: the storm set in
  // after the first half gigabyte), each marking the whole heap while the transfer waited for CPU; with them
  // it ran 1–2, the start-up ones.
  it('pulls and verifies 1 GB without a storm of full collections', async () => {
    const drive = await fsp.mkdtemp(path.join(server.dir, 'drive-'))
    const ref = `sftp://${server.user}@${server.host}:${server.port}${path.dirname(box)}`
    const result = spawnSync(
      process.execPath,
      [
        ...['--trace-gc', cli, 'backup', ref, '--to', drive, '--json'],
        ...['--identity', server.clientKey, '--known-hosts', path.join(server.dir, 'known_hosts')],
        '--accept-new-host-key',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    )
    expect(result.status, result.stderr).toBe(0)
    // --trace-gc writes its lines to stdout too, each starting with "[pid:isolate]".
    const lines = result.stdout.split('\n')
    const report = JSON.parse(lines.filter((line) => !/^\[\d+:0x/.test(line)).join('\n'))
    const copy = path.join(report.destinations[0].cardFolder, '2026_11_20', photo)
    expect(await hashFile(copy)).toBe(await hashFile(path.join(box, photo)))
    const fullCollections = lines.filter((line) => line.includes('Mark-Compact'))
    expect(fullCollections.length).toBeLessThanOrEqual(4)
  })
})
