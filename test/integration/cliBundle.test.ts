import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
// A build of its own, inside the package so the bundle resolves node_modules as the real one does.
const bundleDir = path.join(root, 'out', `cli-test-${process.pid}`)
let dir: string
let card: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-bundle-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 6, photoKb: 100 })).root
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs', bundleDir], {
    cwd: root,
    encoding: 'utf8',
  })
  expect(build.stderr).toBe('')
  expect(build.status).toBe(0)
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
  await fsp.rm(bundleDir, { recursive: true, force: true })
})

const runBundle = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(bundleDir, 'creaturebox.mjs'), ...args], { encoding: 'utf8' })
const runSources = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  })

describe('the bundled CLI (what bin/creaturebox.js runs after a build)', () => {
  it('reports the same stats as the TypeScript sources', () => {
    const fromBundle = runBundle('stats', card, '--json')
    const fromSources = runSources('stats', card, '--json')
    expect(fromBundle.status).toBe(0)
    expect(fromSources.status).toBe(0)
    // The clock and the disk's free space move between two runs; everything about the card must not.
    const aboutTheCard = (text: string) => ({
      ...JSON.parse(text),
      generatedAt: undefined,
      volume: undefined,
    })
    expect(aboutTheCard(fromBundle.stdout)).toEqual(aboutTheCard(fromSources.stdout))
  })

  it('backs up a card, and makes a card with the photo encoder it loads on demand', async () => {
    const destination = path.join(dir, 'DRIVE')
    await fsp.mkdir(destination)
    const backup = runBundle('backup', card, '--to', destination, '--json')
    expect(backup.status).toBe(0)
    expect(JSON.parse(backup.stdout)).toMatchObject({ failed: [] })
    const demo = runBundle(
      'fixture',
      path.join(dir, 'FIXTURE'),
      '--nights',
      '1',
      '--per-night',
      '2',
      '--json',
    )
    expect(demo.status).toBe(0)
    expect(JSON.parse(demo.stdout)).toMatchObject({ photos: expect.any(Number) })
  })
})
