import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
let dir: string
let card: string
let drive: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-empty-path-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 4, photoKb: 30 })).root
  drive = path.join(dir, 'DRIVE')
  await fsp.mkdir(drive)
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

/** Runs the CLI from inside the card, as a user who `cd`-ed there would: the working folder is a real card. */
const runInCard = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: card })

/** Every file and folder under the test folder with its size and mtime: any write anywhere shows up. */
async function everything(): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true })
  return Promise.all(
    entries.map(async (entry) => {
      const full = path.join(entry.parentPath, entry.name)
      const stat = await fsp.stat(full)
      return `${path.relative(dir, full)} ${entry.isFile() ? stat.size : 'dir'} ${stat.mtimeMs}`
    }),
  ).then((lines) => lines.sort())
}

describe('an empty or blank path on the command line', () => {
  it('is a usage error (exit 2) for every command and option taking a path, and nothing is written', async () => {
    // A verified backup exists, so a cleanup that wrongly ran on the card would really delete photos.
    expect(runInCard('backup', card, '--to', drive).status).toBe(0)
    const before = await everything()

    const refused = [
      ['backup', '', '--to', drive],
      ['backup', '   ', '--to', drive],
      ['backup', card, '--to', ''],
      ['backup', card, '--to', ' \t'],
      ['backup', card, '--to', drive, '--to', ''],
      ['stats', ''],
      ['stats', '  '],
      ['cleanup', '', '--keep-days', '0', '--require-backup', drive],
      ['cleanup', card, '--keep-days', '0', '--require-backup', '  '],
      ['organize', ''],
      ['organize', ' ', '--by', 'night'],
      ['fixture', ''],
    ]
    for (const args of refused) {
      const run = runInCard(...args)
      expect(run.status, JSON.stringify(args)).toBe(2)
      expect(run.stderr, JSON.stringify(args)).toContain('the path is empty')
      expect(await everything(), JSON.stringify(args)).toEqual(before)
    }
  }, 120_000)
})
