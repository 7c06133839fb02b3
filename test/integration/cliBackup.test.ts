import { execFileSync, spawn, spawnSync } from 'node:child_process'
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

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
let dir: string
let card: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 3, perNight: 25, photoKb: 400 })).root
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })

/** Every card file is at the destination once, with the card's bytes, and recorded in the manifest. */
async function expectCompleteCopy(cardFolder: string): Promise<void> {
  const manifest = await readManifest(cardFolder)
  const cardFiles = await filesUnder(card)
  const copied = (await filesUnder(cardFolder)).filter((name) => name !== 'creaturebox-manifest.jsonl')
  expect(copied.sort()).toEqual(cardFiles.sort())
  for (const relative of cardFiles) {
    const hash = await hashFile(path.join(card, relative))
    expect(await hashFile(path.join(cardFolder, relative))).toBe(hash)
    expect(manifest.get(relative.split(path.sep).join('/'))?.hash).toBe(hash)
  }
}

describe('creaturebox backup (the CLI)', () => {
  it('backs a card up to two drives, prints a JSON report, and skips everything on a re-run', async () => {
    const [a, b] = [path.join(dir, 'A'), path.join(dir, 'B')]
    await Promise.all([fsp.mkdir(a), fsp.mkdir(b)])
    const first = run('backup', card, '--to', a, '--to', b, '--json')
    expect(first.status).toBe(0)
    const report = JSON.parse(first.stdout)
    expect(report.destinations.map((d: { copied: number }) => d.copied)).toEqual([
      report.filesTotal,
      report.filesTotal,
    ])
    await expectCompleteCopy(path.join(a, 'adeptTurca_CARD'))
    await expectCompleteCopy(path.join(b, 'adeptTurca_CARD'))
    // ext4 reads past the page cache (O_DIRECT): every copy was re-read from the drive itself.
    expect(report.destinations.map((d: { readBackFromCache: number }) => d.readBackFromCache)).toEqual([0, 0])
    const again = JSON.parse(run('backup', card, '--to', a, '--json').stdout)
    expect(again).toMatchObject({ copied: 0, skipped: report.filesTotal })
  })

  it('says when copies could be read back only through memory (a drive refusing direct reads), and still verifies them', async () => {
    // ramfs refuses O_DIRECT as some FUSE and network mounts do: the read-back cannot prove the drive kept the
    // bytes, and the report must say so rather than read like a drive-level check.
    if (process.getuid?.() !== 0) throw new Error('this test mounts a ramfs and needs root (uid 0)')
    const ram = path.join(dir, 'RAM')
    await fsp.mkdir(ram)
    execFileSync('mount', ['-t', 'ramfs', 'ramfs', ram])
    try {
      const text = run('backup', card, '--to', ram)
      expect(text.status).toBe(0)
      const cardFolder = path.join(ram, 'adeptTurca_CARD')
      await expectCompleteCopy(cardFolder)
      const files = (await filesUnder(card)).length
      expect(text.stdout).toContain(`${files} copies were read back through this computer's memory`)
      expect(text.stdout).toMatch(/re-plug the drive, then verify it/)
      await fsp.rm(cardFolder, { recursive: true })
      const report = JSON.parse(run('backup', card, '--to', ram, '--json').stdout)
      expect(report.destinations[0]).toMatchObject({ copied: files, readBackFromCache: files })
    } finally {
      execFileSync('umount', [ram])
    }
  })

  it("clears a killed run's temp files in a re-run that has nothing to copy, and counts none of them", async () => {
    const drive = path.join(dir, 'LEFTOVERS')
    await fsp.mkdir(drive)
    expect(run('backup', card, '--to', drive).status).toBe(0)
    const cardFolder = path.join(drive, 'adeptTurca_CARD')
    const [night] = (await fsp.readdir(path.join(cardFolder, 'photos'))).sort()
    // What a power cut mid-copy leaves: a half-written temp file beside the copies, and one in the folder's root.
    const leftovers = [
      path.join(cardFolder, 'photos', night as string, `.half_HDR0.jpg${PARTIAL_SUFFIX}`),
      path.join(cardFolder, `.camera_settings.csv${PARTIAL_SUFFIX}`),
    ]
    for (const leftover of leftovers) await fsp.writeFile(leftover, 'half a photo')
    const again = run('backup', card, '--to', drive, '--json')
    expect(again.status).toBe(0)
    const report = JSON.parse(again.stdout)
    expect(report).toMatchObject({ copied: 0, skipped: report.filesTotal })
    expect((await filesUnder(cardFolder)).filter((name) => name.endsWith(PARTIAL_SUFFIX))).toEqual([])
    await expectCompleteCopy(cardFolder)
  })

  it('keeps the copy of a card file whose own name ends like a temp file, run after run', async () => {
    const own = await writeCardFixture(path.join(dir, 'ODD-CARD'), { nights: 1, perNight: 3, photoKb: 20 })
    const odd = `notes${PARTIAL_SUFFIX}`
    await fsp.writeFile(path.join(own.root, odd), 'field notes someone named oddly')
    const drive = path.join(dir, 'ODD-DRIVE')
    await fsp.mkdir(drive)
    const first = JSON.parse(run('backup', own.root, '--to', drive, '--json').stdout)
    expect(first).toMatchObject({ copied: own.files.length + 1, failed: [] })
    const again = JSON.parse(run('backup', own.root, '--to', drive, '--json').stdout)
    expect(again).toMatchObject({ copied: 0, skipped: own.files.length + 1, failed: [] })
    const copy = path.join(drive, 'adeptTurca_ODD-CARD', odd)
    expect(await fsp.readFile(copy, 'utf8')).toBe('field notes someone named oddly')
  })

  it('says clearly when the card is missing, and refuses a command line without a destination', () => {
    const missing = run('backup', path.join(dir, 'not-mounted'), '--to', dir)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('is not there')
    expect(run('backup', card).status).toBe(2)
  })

  it('ends with every file exactly once and verified after being killed at random points', async () => {
    const drive = path.join(dir, 'KILLED')
    await fsp.mkdir(drive)
    for (let round = 0; round < 10; round++) {
      // --full makes every round write every file again, so kills land mid-copy, not in a no-op run.
      const child = spawn(process.execPath, [cli, 'backup', card, '--to', drive, '--full'], {
        stdio: 'ignore',
      })
      const exited = new Promise((resolve) => child.on('exit', resolve))
      // tsx needs a moment to start; the kill lands anywhere from start-up to mid-copy.
      await new Promise((resolve) => setTimeout(resolve, 600 + Math.random() * 900))
      child.kill('SIGKILL')
      await exited
    }
    const final = run('backup', card, '--to', drive, '--json')
    expect(final.status).toBe(0)
    const cardFolder = path.join(drive, 'adeptTurca_CARD')
    expect((await filesUnder(cardFolder)).filter((name) => name.endsWith(PARTIAL_SUFFIX))).toEqual([])
    await expectCompleteCopy(cardFolder)
  }, 120_000)
})
