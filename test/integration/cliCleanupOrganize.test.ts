import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { filesUnder } from '../support/filesUnder.js'

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
let dir: string
let card: string
let photos: string[]

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-cleanup-'))
  const fixture = await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 4, photoKb: 50 })
  card = fixture.root
  photos = await photosOn(card)
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })

async function photosOn(root: string): Promise<string[]> {
  return (await filesUnder(root)).filter((file) => /\.(jpe?g|png|dng)$/i.test(file))
}

describe('creaturebox cleanup and organize (the CLI)', () => {
  it('refuses to delete photos that have no verified backup, exiting 3 and deleting nothing', () => {
    const cleanup = run('cleanup', card, '--keep-days', '0', '--json')
    expect(cleanup.status).toBe(3)
    const plan = JSON.parse(cleanup.stdout)
    expect(plan.deleted).toBe(0)
    expect(plan.refused.length).toBeGreaterThan(0)
    return expect(photosOn(card)).resolves.toEqual(photos)
  })

  it('deletes old photos once they are verified on a drive, and the drive keeps them', async () => {
    const drive = path.join(dir, 'DRIVE')
    await fsp.mkdir(drive)
    expect(run('backup', card, '--to', drive, '--json').status).toBe(0)
    const preview = JSON.parse(
      run('cleanup', card, '--keep-days', '0', '--require-backup', drive, '--dry-run', '--json').stdout,
    )
    expect(preview.toDelete.length).toBeGreaterThan(0)
    expect(await photosOn(card)).toEqual(photos)

    const cleanup = run('cleanup', card, '--keep-days', '0', '--require-backup', drive, '--json')
    const plan = JSON.parse(cleanup.stdout)
    expect(plan.deleted).toBe(plan.toDelete.length)
    const left = await photosOn(card)
    expect(left.length).toBe(photos.length - plan.deleted)
    // Only damaged photos can stay: they could not be verified the way a whole photo is.
    expect(cleanup.status).toBe(plan.refused.length > 0 ? 3 : 0)
    const backedUp = await photosOn(path.join(drive, (await fsp.readdir(drive))[0] as string))
    expect(backedUp).toEqual(photos)
  })

  it('previews an organize without moving anything, then moves, then undoes', async () => {
    const preview = run('organize', card, '--by', 'night', '--dry-run', '--json')
    expect(preview.status).toBe(0)
    const planned = JSON.parse(preview.stdout)
    expect(planned.moves.length).toBeGreaterThan(0)
    expect(await photosOn(card)).toEqual(photos)

    expect(run('organize', card, '--by', 'night', '--json').status).toBe(0)
    const moved = await photosOn(card)
    expect(moved).not.toEqual(photos)
    expect(moved).toHaveLength(photos.length)

    expect(run('organize', card, '--undo', '--json').status).toBe(0)
    expect(await photosOn(card)).toEqual(photos)
  })
})
