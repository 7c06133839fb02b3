import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { PARTIAL_SUFFIX } from '../../src/core/storage/backup.js'
import { readManifest } from '../../src/core/storage/manifest.js'
import { filesUnder } from '../support/filesUnder.js'
import { mountLyingDrive, type FailingCard } from '../support/failingCard.js'

/**
 * A drive that keeps what it is sent but gives back other bytes (test/support/lyingDriveFs.py, through FUSE),
 * as failing and fake-capacity sticks do: the backup must read each copy back from the drive, call none of
 * its photos backed up, and leave no photo there under a final name; the other drive of the same run is
 * not held back by it.
 */

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })

let dir: string
let drive: FailingCard | undefined

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'lyingdrive-'))
})
afterAll(async () => {
  await drive?.unmount()
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('a drive that changes what it stored', () => {
  it('fails every photo it altered with VERIFY_MISMATCH, records none, and the good drive gets all', async () => {
    const card = await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 5, photoKb: 200 })
    // Photos and their `.jpg.json` sidecars: every file whose path holds `.jpg` comes back altered.
    // (An empty one has no byte to alter.)
    const sizes = await Promise.all(
      card.files.map(async (file) => (await fsp.stat(path.join(card.root, file))).size),
    )
    const altered = card.files.filter((file, index) => file.includes('.jpg') && (sizes[index] ?? 0) > 0)
    expect(altered.some((file) => file.endsWith('.jpg'))).toBe(true)
    await fsp.mkdir(path.join(dir, 'lies'))
    drive = await mountLyingDrive(path.join(dir, 'lies'), path.join(dir, 'LYING'), ['.jpg'])
    const good = path.join(dir, 'GOOD')
    await fsp.mkdir(good)

    const backup = run('backup', card.root, '--to', good, '--to', drive.mountPoint, '--json')
    // Finished with problems: never "everything is safe".
    expect(backup.status, backup.stderr).toBe(3)
    const [onGood, onLying] = JSON.parse(backup.stdout).destinations
    expect(onGood).toMatchObject({ copied: card.files.length, failed: [] })
    expect(onGood.error).toBeUndefined()
    expect(
      onLying.failed.map((failure: { path: string; code: string }) => [failure.path, failure.code]).sort(),
    ).toEqual(altered.map((file) => [file, 'VERIFY_MISMATCH']).sort())
    expect(onLying.copied).toBe(card.files.length - altered.length)

    // Nothing the drive altered is recorded, or left under its name or a temp name.
    const manifest = await readManifest(onLying.cardFolder)
    expect([...manifest.keys()].filter((name) => altered.includes(name))).toEqual([])
    const left = await filesUnder(onLying.cardFolder)
    expect(left.filter((name) => altered.includes(name) || name.endsWith(PARTIAL_SUFFIX))).toEqual([])
    expect(left.length).toBeGreaterThan(1)

    // Run again: still nothing of it counts as backed up there.
    const again = JSON.parse(run('backup', card.root, '--to', drive.mountPoint, '--json').stdout)
    expect(again.destinations[0].failed).toHaveLength(altered.length)
    expect(again.destinations[0].skipped).toBe(card.files.length - altered.length)
  })
})

describe('a drive whose backup folder can no longer be listed', () => {
  it('fails that drive with a message saying so, rewrites nothing there, and the other drive gets all', async () => {
    const card = await writeCardFixture(path.join(dir, 'CARD2'), { nights: 2, perNight: 4, photoKb: 50 })
    const night = card.files.find((file) => file.startsWith('photos/'))?.split('/')[1] as string
    const folder = path.join(dir, 'damaged')
    await fsp.mkdir(folder)
    const first = await mountLyingDrive(folder, path.join(dir, 'DAMAGED'), [])
    try {
      expect(run('backup', card.root, '--to', first.mountPoint).status).toBe(0)
    } finally {
      await first.unmount()
    }
    const cardFolder = path.join(folder, 'adeptTurca_CARD2')
    const before = await readManifest(cardFolder)
    expect(before.size).toBe(card.files.length)
    // What fsck or a failing stick can leave: one night's folder answers EIO when listed.
    const damaged = await mountLyingDrive(folder, path.join(dir, 'DAMAGED'), [], [night])
    try {
      const good = path.join(dir, 'GOOD2')
      await fsp.mkdir(good)
      const backup = run('backup', card.root, '--to', good, '--to', damaged.mountPoint, '--json')
      expect(backup.status, backup.stderr).toBe(3)
      const [onGood, onDamaged] = JSON.parse(backup.stdout).destinations
      expect(onGood).toMatchObject({ copied: card.files.length, failed: [] })
      expect(onDamaged).toMatchObject({ copied: 0, moved: 0, error: { code: 'DESTINATION_FAILED' } })
      expect(onDamaged.error.message).toMatch(/Could not read what .* already holds of this card \(EIO\)/)
    } finally {
      await damaged.unmount()
    }
    // Nothing there was rewritten or forgotten: the manifest is what the first run recorded.
    expect(await readManifest(cardFolder)).toEqual(before)
  })
})
