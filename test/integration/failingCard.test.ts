import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { PARTIAL_SUFFIX } from '../../src/core/storage/backup.js'
import { hashFile } from '../../src/core/storage/fileHash.js'
import { readManifest } from '../../src/core/storage/manifest.js'
import { filesUnder } from '../support/filesUnder.js'
import { mountFailingCard, type FailingCard } from '../support/failingCard.js'

/**
 * Cards that fail under a backup, mounted for real through a FUSE pass-through (test/support/failingFs.py):
 * a bad sector in the middle of one photo, and a card pulled out mid-run.
 */

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })

let dir: string
const mounted: FailingCard[] = []

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'failingcard-'))
})
afterAll(async () => {
  for (const card of mounted) await card.unmount()
  await fsp.rm(dir, { recursive: true, force: true })
})

async function mount(folder: string, mountPoint: string, options: Parameters<typeof mountFailingCard>[2]) {
  const card = await mountFailingCard(folder, mountPoint, options)
  mounted.push(card)
  return card
}

const slash = (name: string) => name.split(path.sep).join('/')

/** What the drive holds under final names is exactly what its manifest lists, each with the card's bytes. */
async function expectOnlyVerifiedCopies(cardFolder: string, cardFiles: string): Promise<string[]> {
  const onDrive = (await filesUnder(cardFolder)).map(slash)
  expect(onDrive.filter((name) => name.endsWith(PARTIAL_SUFFIX))).toEqual([])
  const manifest = await readManifest(cardFolder)
  const copies = onDrive.filter((name) => name !== 'creaturebox-manifest.jsonl')
  expect(copies.sort()).toEqual([...manifest.keys()].sort())
  for (const copy of copies) {
    expect(await hashFile(path.join(cardFolder, copy)), copy).toBe(manifest.get(copy)?.hash)
    expect(manifest.get(copy)?.hash).toBe(await hashFile(path.join(cardFiles, copy)))
  }
  return copies
}

describe('a read error (EIO) in the middle of a photo', () => {
  it('skips that photo with its reason, copies the rest, never records it, and cleanup keeps it', async () => {
    const files = path.join(dir, 'eio-files')
    await writeCardFixture(files, { nights: 2, perNight: 6, photoKb: 300, odd: false })
    const cardFiles = (await filesUnder(files)).map(slash)
    const bad = cardFiles.find((name) => name.endsWith('.jpg')) as string
    expect((await fsp.stat(path.join(files, bad))).size).toBeGreaterThan(200 * 1024)
    const card = await mount(files, path.join(dir, 'CARD'), { failReads: [bad] })
    const drive = path.join(dir, 'DRIVE')
    await fsp.mkdir(drive)

    const backup = run('backup', card.mountPoint, '--to', drive, '--json')
    expect(backup.status).toBe(3)
    const report = JSON.parse(backup.stdout)
    expect(report.failed).toEqual([expect.objectContaining({ path: bad, code: 'SOURCE_UNREADABLE' })])
    expect(report.failed[0].reason).toMatch(/EIO|i\/o error/i)
    const cardFolder = report.destinations[0].cardFolder as string
    const copies = await expectOnlyVerifiedCopies(cardFolder, files)
    expect(copies.sort()).toEqual(cardFiles.filter((name) => name !== bad).sort())

    const cleanup = run('cleanup', card.mountPoint, '--keep-days', '0', '--require-backup', drive, '--json')
    expect(cleanup.status).toBe(3)
    expect(JSON.parse(cleanup.stdout).refused).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: bad })]),
    )
    expect((await fsp.stat(path.join(files, bad))).size).toBeGreaterThan(0)
    // Every other photo had its verified copy: those are gone from the card, the unreadable one is not.
    const photosLeft = (await filesUnder(files)).map(slash).filter((name) => name.endsWith('.jpg'))
    expect(photosLeft).toEqual([bad])
  })
})

describe('a card pulled out mid-run', () => {
  it('stops once with a clear message, leaves no partial file under a final name, and a re-run completes', async () => {
    const files = path.join(dir, 'pulled-files')
    await writeCardFixture(files, { nights: 2, perNight: 8, photoKb: 300, odd: false })
    const cardFiles = (await filesUnder(files)).map(slash)
    const mountPoint = path.join(dir, 'PULLED')
    const drive = path.join(dir, 'DRIVE2')
    await fsp.mkdir(drive)

    const pulled = await mount(files, mountPoint, { removeAfterBytes: 1024 * 1024 })
    const first = run('backup', mountPoint, '--to', drive, '--json')
    expect(first.status).toBe(1)
    expect(first.stderr).toContain('The card was removed or stopped answering during the backup')
    await pulled.unmount()
    const cardFolder = path.join(drive, (await fsp.readdir(drive))[0] as string)
    const before = await expectOnlyVerifiedCopies(cardFolder, files)
    expect(before.length).toBeLessThan(cardFiles.length)

    await mount(files, mountPoint, {})
    const again = run('backup', mountPoint, '--to', drive, '--json')
    expect(again.status).toBe(0)
    expect(JSON.parse(again.stdout).destinations[0].cardFolder).toBe(cardFolder)
    expect((await expectOnlyVerifiedCopies(cardFolder, files)).sort()).toEqual([...cardFiles].sort())
  })
})
