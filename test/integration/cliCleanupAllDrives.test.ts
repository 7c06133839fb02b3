import { execFileSync, spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { filesUnder } from '../support/filesUnder.js'

/**
 * "Everything verified on all of my drives", as a user runs it: `cleanup --all-verified` with each drive
 * named. A photo goes only when every drive holds a verified copy; one verified on drive A but not on B stays
 * with the reason per drive; a drive that is not plugged in stops it before anything is deleted.
 */

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
let dir: string
let card: string
let driveA: string
let driveB: string
let mounted = false

const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })
const photosOn = async (root: string) =>
  (await filesUnder(root)).filter((file) => /\.(jpe?g|png|dng)$/i.test(file))
const cardFolderOn = async (drive: string) => path.join(drive, (await fsp.readdir(drive))[0] as string)

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-cleanup-all-'))
  card = path.join(dir, 'CARD')
  driveA = path.join(dir, 'DRIVE_A')
  driveB = path.join(dir, 'DRIVE_B')
  await Promise.all([fsp.mkdir(driveA), fsp.mkdir(driveB)])
  // B is a drive of its own (a tmpfs): two folders of one drive are refused as one drive.
  if (process.getuid?.() !== 0) throw new Error('this test mounts a tmpfs as drive B and needs root')
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', driveB])
  mounted = true
  // Two nights backed up to both drives; then a third night, backed up to A only.
  await writeCardFixture(card, { nights: 2, perNight: 3, photoKb: 20, odd: false, startNight: '2024-09-01' })
  expect(run('backup', card, '--to', driveA, '--to', driveB, '--json').status).toBe(0)
  await writeCardFixture(card, { nights: 1, perNight: 3, photoKb: 20, odd: false, startNight: '2024-09-05' })
  expect(run('backup', card, '--to', driveA, '--json').status).toBe(0)
})
afterEach(async () => {
  if (mounted) execFileSync('umount', [driveB])
  mounted = false
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('creaturebox cleanup --all-verified', () => {
  it('deletes only photos verified on every drive named, whatever their age, and keeps the rest with each drive’s reason', async () => {
    const all = await photosOn(card)
    const onlyOnA = all.filter((photo) => photo.includes('2024_09_05') || photo.includes('2024_09_06'))
    expect(onlyOnA).toHaveLength(3)
    // One copy on B no longer matches its manifest (a bad sector): that photo stays too.
    const damagedOnB = all.find((photo) => !onlyOnA.includes(photo)) as string
    await fsp.writeFile(path.join(await cardFolderOn(driveB), damagedOnB), 'x'.repeat(20 * 1024))

    const args = ['cleanup', card, '--all-verified', '--require-backup', driveA, '--require-backup', driveB]
    const preview = run(...args, '--dry-run', '--json')
    expect(preview.status, preview.stderr).toBe(3)
    const plan = JSON.parse(preview.stdout)
    expect(plan.allVerified).toBe(true)
    expect(plan.toDelete.map((item: { path: string }) => item.path).sort()).toEqual(
      all.filter((photo) => !onlyOnA.includes(photo) && photo !== damagedOnB).sort(),
    )
    for (const item of plan.toDelete) expect(item.verifiedOn).toHaveLength(2)
    const reasons = new Map(plan.refused.map((r: { path: string; reason: string }) => [r.path, r.reason]))
    expect([...reasons.keys()].sort()).toEqual([...onlyOnA, damagedOnB].sort())
    expect(reasons.get(onlyOnA[0])).toBe(
      `not verified on every drive: ${driveB}: not in any backup; ${driveA}: verified`,
    )
    expect(reasons.get(damagedOnB)).toContain(`${driveB}: backup differs from its verified record`)
    expect(await photosOn(card)).toEqual(all)

    const cleanup = run(...args, '--json')
    expect(cleanup.status, cleanup.stderr).toBe(3)
    expect(JSON.parse(cleanup.stdout).deleted).toBe(plan.toDelete.length)
    expect((await photosOn(card)).sort()).toEqual([...onlyOnA, damagedOnB].sort())
    // The drives keep everything they had.
    expect(await photosOn(await cardFolderOn(driveA))).toEqual(all)
  })

  it('deletes nothing when one of the drives is not plugged in, and says which', async () => {
    const all = await photosOn(card)
    // Unplugged: its file system gone and the empty mount folder removed with it, as desktops do.
    execFileSync('umount', [driveB])
    mounted = false
    await fsp.rmdir(driveB)
    const cleanup = run(
      'cleanup',
      card,
      '--all-verified',
      '--require-backup',
      driveA,
      '--require-backup',
      driveB,
    )
    expect(cleanup.status).toBe(1)
    expect(cleanup.stderr + cleanup.stdout).toContain(
      `Nothing was deleted: ${driveB} is not there (is the drive plugged in?)`,
    )
    expect(await photosOn(card)).toEqual(all)
  })

  it('refuses a command line that would not say which drives or which photos', () => {
    const noDrives = run('cleanup', card, '--all-verified')
    expect(noDrives.status).toBe(2)
    expect(noDrives.stderr).toContain('--all-verified needs the drives')
    const both = run('cleanup', card, '--all-verified', '--keep-days', '3', '--require-backup', driveA)
    expect(both.status).toBe(2)
    const neither = run('cleanup', card, '--require-backup', driveA)
    expect(neither.status).toBe(2)
    expect(neither.stderr).toContain('--keep-days')
  })
})
