import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { filesUnder } from '../support/filesUnder.js'

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
let dir: string
let card: string
let photosPerNight: Map<string, number>

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-thumbs-'))
  const fixture = await writeCardFixture(path.join(dir, 'CARD'), {
    nights: 2,
    perNight: 8,
    photoKb: 200,
    embeddedPreviews: 'some',
  })
  card = fixture.root
  photosPerNight = new Map()
  const stats = JSON.parse(run('stats', card, '--json').stdout) as {
    nights: { night: string; count: number }[]
  }
  for (const night of stats.nights) photosPerNight.set(night.night, night.count)
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })
}

const cachedImages = async (dataDir: string) =>
  (await filesUnder(path.join(dataDir, 'thumbnails'))).filter((file) => file.endsWith('.jpg')).length

describe('creaturebox thumbs', () => {
  it("prepares one night's thumbnails, then the rest of the card, reusing what it made", async () => {
    const dataDir = path.join(dir, 'data')
    const first = run('thumbs', card, '--night', '2024-09-01', '--data-dir', dataDir, '--json')
    expect(first.status, first.stderr).toBe(0)
    const night = JSON.parse(first.stdout)
    expect(night.photos).toBe(photosPerNight.get('2024-09-01'))
    // The first night holds the fixture's empty and cut-off photos: reported, not failures. A cut-off photo
    // whose embedded preview survived still gets its thumbnail from it.
    const damaged = night.damaged.length
    expect(night.damaged.some((photo: string) => photo.endsWith('21_13_07_HDR0.jpg'))).toBe(true)
    expect(night.failed).toEqual([])
    expect(night.fromPreview).toBeGreaterThan(0)
    expect(night.decoded).toBeGreaterThan(0)
    expect(night.fromPreview + night.decoded + night.damaged.length).toBe(night.photos)
    expect(await cachedImages(dataDir)).toBe(night.photos - damaged)

    const whole = JSON.parse(run('thumbs', card, '--data-dir', dataDir, '--json').stdout)
    const total = [...photosPerNight.values()].reduce((sum, count) => sum + count, 0)
    expect(whole.photos).toBe(total)
    expect(whole.cached).toBe(night.photos - damaged)
    expect(await cachedImages(dataDir)).toBe(total - damaged)

    const text = run('thumbs', card, '--data-dir', dataDir)
    expect(text.stdout).toContain(`Thumbnails of ${total} photos`)
    expect(text.stdout).toContain(`Damaged, no thumbnail: ${damaged}`)
  })

  it('refuses a night that is not a date, and a card that is not there', async () => {
    const dataDir = path.join(dir, 'data-refused')
    const badNight = run('thumbs', card, '--night', 'yesterday', '--data-dir', dataDir)
    expect(badNight.status).toBe(2)
    expect(badNight.stderr).toContain('YYYY-MM-DD')
    const missing = run('thumbs', path.join(dir, 'not-mounted'), '--data-dir', dataDir)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('is not there')
  })
})
