import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../../src/core/fixtures/cardFixture.js'
import { LocalSource } from '../../../src/core/sources/localSource.js'
import { MANIFEST_FILE } from '../../../src/core/storage/manifest.js'
import { StorageManager } from '../../../src/core/storage/storageManager.js'
import { verifyBackup } from '../../../src/core/storage/verifyBackup.js'

let dir: string
let drive: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'verify-unit-'))
  drive = path.join(dir, 'DRIVE')
  await fsp.mkdir(drive)
  // Two cards of two boxes on one drive: two card folders.
  for (const [name, device] of [
    ['CARD_A', 'adeptTurca'],
    ['CARD_B', 'superDorada'],
  ] as const) {
    const card = await writeCardFixture(path.join(dir, name), {
      nights: 2,
      perNight: 5,
      photoKb: 30,
      device,
    })
    const manager = new StorageManager(await LocalSource.open(card.root))
    await manager.backupPhotos(drive)
    await manager.close()
  }
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('verifyBackup', () => {
  it('checks every card folder on a drive, and takes the app’s own files for what they are', async () => {
    const [first] = (await fsp.readdir(drive)).sort()
    const cardFolder = path.join(drive, first!)
    // A backup in progress leaves a lock and a temp file: neither is a copy, so neither is unlisted.
    await fsp.writeFile(path.join(cardFolder, '.creaturebox-backup.lock'), '{}')
    await fsp.writeFile(path.join(cardFolder, 'photos', '.x.jpg.creaturebox-partial'), 'half')
    const report = await verifyBackup(drive)
    expect(report.cardFolders).toHaveLength(2)
    expect(report.counts).toMatchObject({ changed: 0, missing: 0, unlisted: 0, unreadable: 0, notSampled: 0 })
    expect(report.counts.ok).toBeGreaterThan(20)
    expect(report.sampleFraction).toBe(1)
  })

  it('reads back only a sample when asked, and still finds a missing file outside it', async () => {
    const [, second] = (await fsp.readdir(drive)).sort()
    const cardFolder = path.join(drive, second!)
    const manifest = (await fsp.readFile(path.join(cardFolder, MANIFEST_FILE), 'utf8')).trim().split('\n')
    const last = JSON.parse(manifest.at(-1)!) as { path: string }
    await fsp.rm(path.join(cardFolder, last.path))
    const report = await verifyBackup(cardFolder, { sampleFraction: 0.1 })
    const { ok, missing, notSampled } = report.cardFolders[0]!.counts
    expect(missing).toBe(1)
    expect(ok).toBeGreaterThanOrEqual(1)
    expect(ok + missing + notSampled).toBe(manifest.length)
    expect(report.bytesRead).toBeGreaterThan(0)
  })

  it('says a copy whose size differs is changed without reading it', async () => {
    const [first] = (await fsp.readdir(drive)).sort()
    const cardFolder = path.join(drive, first!)
    const entry = JSON.parse(
      (await fsp.readFile(path.join(cardFolder, MANIFEST_FILE), 'utf8')).split('\n')[0]!,
    ) as {
      path: string
    }
    await fsp.appendFile(path.join(cardFolder, entry.path), 'more')
    const report = await verifyBackup(cardFolder)
    expect(report.cardFolders[0]!.files[0]).toMatchObject({ path: entry.path, status: 'changed' })
    expect(report.cardFolders[0]!.files[0]!.reason).toContain('bytes on the drive')
  })

  it('refuses a folder that holds no backup', async () => {
    await expect(verifyBackup(path.join(dir, 'CARD_A'))).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND' })
    await expect(verifyBackup(path.join(dir, 'nowhere'))).rejects.toMatchObject({
      code: 'DESTINATION_NOT_FOUND',
    })
  })
})
