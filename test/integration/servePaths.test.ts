import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { commands } from '../../src/shared/contract.js'
import { startServe, type RunningServe } from '../support/serveProcess.js'

let dir: string
let dataDir: string
let card: string
let drive: string
let serve: RunningServe

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-paths-'))
  dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-paths-data-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 4, photoKb: 30 })).root
  drive = path.join(dir, 'DRIVE')
  await fsp.mkdir(drive)
  // serve runs from the folder holding the card and the drive: a relative `CARD` or `DRIVE` would name them.
  serve = await startServe(['--data-dir', dataDir, '--source', card], {}, dir)
})
afterAll(async () => {
  await serve.stop()
  await fsp.rm(dir, { recursive: true, force: true })
  await fsp.rm(dataDir, { recursive: true, force: true })
})

/** Every file and folder under the test folder with its size and mtime: any write anywhere shows up. */
async function everything(): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true })
  const lines = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(entry.parentPath, entry.name)
      const stat = await fsp.stat(full)
      return `${path.relative(dir, full)} ${entry.isFile() ? stat.size : 'dir'} ${stat.mtimeMs}`
    }),
  )
  return lines.sort()
}

describe('paths sent to serve', () => {
  it('answers 400 INVALID_INPUT to an empty, blank or relative source, destination or backup location', async () => {
    const before = await everything()
    const refused: [string, unknown][] = [
      ['/api/commands/storage.backup', { source: '', destinations: [drive] }],
      ['/api/commands/storage.backup', { source: '   ', destinations: [drive] }],
      ['/api/commands/storage.backup', { source: 'CARD', destinations: [drive] }],
      ['/api/commands/storage.backup', { source: './CARD', destinations: [drive] }],
      ['/api/commands/storage.backup', { source: card, destinations: [''] }],
      ['/api/commands/storage.backup', { source: card, destinations: [' \t'] }],
      ['/api/commands/storage.backup', { source: card, destinations: ['DRIVE'] }],
      ['/api/commands/storage.backup', { source: card, destinations: [drive, './DRIVE'] }],
      ['/api/commands/storage.stats', { source: '  ' }],
      ['/api/commands/storage.stats', { source: 'CARD' }],
      ['/api/commands/storage.cleanup', { source: 'CARD', daysToKeep: 0, requireBackupAt: [drive] }],
      ['/api/commands/storage.cleanup', { source: card, daysToKeep: 0, requireBackupAt: ['  '] }],
      ['/api/commands/storage.cleanupPlan', { source: card, daysToKeep: 0, requireBackupAt: ['DRIVE'] }],
      ['/api/commands/storage.organize', { source: ' ' }],
      ['/api/commands/storage.organizePlan', { source: 'CARD' }],
      ['/api/commands/photos.processBatch', { source: 'CARD', photos: ['photos/a.jpg'] }],
      // The original web app's routes.
      ['/api/storage/backup/external', { device_path: '' }],
      ['/api/storage/backup/external', { device_path: '  ' }],
      ['/api/storage/backup/external', { device_path: 'DRIVE' }],
      ['/api/storage/backup/external', { device_path: drive, source: ' ' }],
      ['/api/storage/cleanup', { days_to_keep: 0, source: '  ' }],
      ['/api/storage/cleanup', { days_to_keep: 0, require_backup_at: ['  '] }],
      ['/api/storage/cleanup', { days_to_keep: 0, require_backup_at: ['DRIVE'] }],
      ['/api/photos/process-batch', { source: 'CARD', photos: ['photos/a.jpg'] }],
    ]
    for (const [route, body] of refused) {
      const { status, body: answer } = await serve.post(route, body)
      expect(status, `${route} ${JSON.stringify(body)}`).toBe(400)
      expect(answer, `${route} ${JSON.stringify(body)}`).toMatchObject({ error: { code: 'INVALID_INPUT' } })
    }
    const blankQuery = await fetch(new URL('/api/storage/stats?source=%20%20', serve.url), {
      headers: { Authorization: `Bearer ${serve.token}` },
    })
    expect(blankQuery.status).toBe(400)
    expect(await everything()).toEqual(before)

    // A full path still works.
    expect((await serve.command('storage.stats', { source: card })).status).toBe(200)
  }, 60_000)
})

describe('the contract’s path rule', () => {
  it('accepts Windows drive and network paths, sftp:// and box: sources wherever serve runs', () => {
    const backup = commands['storage.backup'].input
    for (const source of ['C:\\DCIM', 'e:/photos', '\\\\nas\\cards', 'sftp://pi@box/photos', 'box:ridge']) {
      expect(
        backup.safeParse({ source, destinations: ['E:\\', '\\\\nas\\backup', '/media/B'] }).success,
      ).toBe(true)
    }
    for (const destination of ['C:photos', 'sftp://pi@box/photos', 'box:ridge', '~/backup']) {
      expect(backup.safeParse({ source: '/media/CARD', destinations: [destination] }).success).toBe(false)
    }
  })
})
