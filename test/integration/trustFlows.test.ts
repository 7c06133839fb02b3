import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { BACKUP_LOCK_FILE } from '../../src/core/storage/backupLock.js'
import { isCompanionAppFile } from '../../src/core/storage/catalog.js'
import { hashFile } from '../../src/core/storage/fileHash.js'
import { readManifest } from '../../src/core/storage/manifest.js'
import { filesUnder } from '../support/filesUnder.js'

/**
 * The chains a user actually runs through the CLI, each checked for what they believe afterwards: that
 * the drive holds every photo once and verified, that nothing outside the card was touched, and that the
 * summary and exit code say what really happened.
 */

// Each test runs the real CLI several times, a new Node process each: give a loaded machine room.
vi.setConfig({ testTimeout: 90_000 })

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
let dir: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'trust-flows-'))
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

const run = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
  })

/**
 * A laptop user is not root: root reads every file whatever its mode. The CLI runs as root without the
 * capabilities that bypass permissions, so a folder of another user (a card's root-only `lost+found` seen
 * from the laptop) and a file with no read permission fail as they do for the user.
 */
function runWithoutPermissionBypass(args: string[]) {
  if (process.getuid?.() !== 0) {
    throw new Error('This test needs root (as CI runs) to drop the permission-bypass capabilities')
  }
  return spawnSync(
    'setpriv',
    ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, cli, ...args],
    { encoding: 'utf8' },
  )
}

async function newCard(name: string, options: { nights?: number; perNight?: number; photoKb?: number } = {}) {
  const fixture = await writeCardFixture(path.join(dir, name, 'CARD'), {
    nights: options.nights ?? 3,
    perNight: options.perNight ?? 6,
    photoKb: options.photoKb ?? 60,
  })
  return fixture.root
}

/** Every file of the card is on the drive exactly once, at its card path, with the card's bytes, verified. */
async function expectMirror(card: string, cardFolder: string): Promise<void> {
  // The companion's own files on the card (an organize journal) are not field data and are not copied.
  const cardFiles = (await filesUnder(card)).filter((name) => !isCompanionAppFile(name))
  const copies = (await filesUnder(cardFolder)).filter((name) => name !== 'creaturebox-manifest.jsonl')
  expect(copies).toEqual(cardFiles)
  const manifest = await readManifest(cardFolder)
  for (const relative of cardFiles) {
    const hash = await hashFile(path.join(card, relative))
    expect(await hashFile(path.join(cardFolder, relative))).toBe(hash)
    expect(manifest.get(relative)?.hash).toBe(hash)
  }
}

async function snapshotOf(folder: string): Promise<Record<string, string>> {
  const files = await filesUnder(folder)
  return Object.fromEntries(
    await Promise.all(files.map(async (f) => [f, await hashFile(path.join(folder, f))])),
  )
}

describe('back up, organize, back up again', () => {
  it('moves the copies on the drive to the new layout: one copy of each photo, zero bytes copied', async () => {
    const card = await newCard('reorganized')
    const drive = path.join(dir, 'reorganized', 'DRIVE')
    await fsp.mkdir(drive)
    const first = run(['backup', card, '--to', drive, '--json'])
    expect(first.status).toBe(0)
    const total = JSON.parse(first.stdout).filesTotal as number

    const organized = run(['organize', card, '--by', 'night', '--json'])
    expect(organized.status).toBe(0)
    const moved = (JSON.parse(organized.stdout).moves as unknown[]).length
    expect(moved).toBeGreaterThan(0)

    const again = run(['backup', card, '--to', drive, '--json'])
    expect(again.status).toBe(0)
    const [destination] = JSON.parse(again.stdout).destinations
    expect(destination).toMatchObject({ copied: 0, moved, skipped: total - moved, bytesCopied: 0 })
    await expectMirror(card, destination.cardFolder)

    // Afterwards cleanup trusts the moved copies: every photo has a verified backup at its new path.
    const plan = JSON.parse(
      run(['cleanup', card, '--keep-days', '0', '--require-backup', drive, '--dry-run', '--json']).stdout,
    )
    expect(plan.refused).toEqual([])
    expect(plan.toDelete.length).toBeGreaterThan(0)
    const human = run(['backup', card, '--to', drive])
    expect(human.stdout).toContain(`all ${total} files`)
    expect(human.stdout).toContain('nothing new')
  }, 90_000)
})

describe('organize refuses a root it could damage', () => {
  it('refuses a parent folder holding a backup, and a folder inside one, and leaves the backup whole', async () => {
    const parent = path.join(dir, 'parent')
    const card = await newCard('parent')
    const backup = path.join(parent, 'backup')
    await fsp.mkdir(backup)
    expect(run(['backup', card, '--to', backup]).status).toBe(0)
    const before = await snapshotOf(backup)

    for (const root of [
      parent,
      path.join(backup, 'adeptTurca_CARD'),
      path.join(backup, 'adeptTurca_CARD', '2024-09-02'),
    ]) {
      if (!fs.existsSync(root)) continue
      const refused = run(['organize', root, '--by', 'night'])
      expect(refused.status).toBe(1)
      expect(refused.stderr).toContain('backup made by this app')
    }
    expect(await snapshotOf(backup)).toEqual(before)
    // The card itself can still be organized.
    expect(run(['organize', card, '--dry-run']).status).toBe(0)
  })

  it('refuses the home folder and /, naming the reason', async () => {
    const home = path.join(dir, 'home-user')
    await writeCardFixture(path.join(home, 'Pictures'), { nights: 1, perNight: 2, photoKb: 20 })
    const before = await snapshotOf(home)
    const atHome = run(['organize', home], { env: { HOME: home } })
    expect(atHome.status).toBe(1)
    expect(atHome.stderr).toContain('your home folder')
    expect(await snapshotOf(home)).toEqual(before)
    const atRoot = run(['organize', '/', '--dry-run'])
    expect(atRoot.status).toBe(1)
    // Refused either as what holds the home folder or, where / looks like a Pi system card, as that.
    expect(atRoot.stderr).toMatch(/\/ is your home folder or holds it|\/ is a Raspberry Pi system card/)
  })
})

describe('backup destinations', () => {
  it('refuses system folders and the system drive root before writing anything', async () => {
    const card = await newCard('system')
    for (const destination of ['/etc', '/usr/share', '/']) {
      const before = fs.readdirSync(destination)
      const refused = run(['backup', card, '--to', destination])
      expect(refused.status).toBe(1)
      expect(refused.stderr).toMatch(/operating system|this computer's own drive/)
      expect(fs.readdirSync(destination)).toEqual(before)
    }
  })

  it('treats one drive named three ways as one destination', async () => {
    const card = await newCard('same-drive')
    const drive = path.join(dir, 'same-drive', 'DRIVE')
    await fsp.mkdir(drive)
    const link = path.join(dir, 'same-drive', 'link-to-drive')
    await fsp.symlink(drive, link)
    const result = run(['backup', card, '--to', drive, '--to', `${drive}/`, '--to', link, '--json'])
    expect(result.status).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.destinations).toHaveLength(1)
    await expectMirror(card, report.destinations[0].cardFolder)
  })

  it('a drive that is not plugged in stops only itself: the other is complete, and the exit code says partial', async () => {
    const card = await newCard('one-missing')
    const drive = path.join(dir, 'one-missing', 'DRIVE')
    await fsp.mkdir(drive)
    const result = run(['backup', card, '--to', drive, '--to', path.join(dir, 'one-missing', 'UNPLUGGED')])
    expect(result.status).toBe(3)
    expect(result.stdout.split('\n')[0]).toMatch(/^Drive stopped: .*UNPLUGGED is not there/)
    expect(result.stdout).toContain('Backup INCOMPLETE')
    await expectMirror(card, path.join(drive, 'adeptTurca_CARD'))
  })
})

describe('two backups to one drive at once', () => {
  it('two runs started together both finish, and the drive ends complete and verified', async () => {
    const card = await newCard('concurrent', { nights: 3, perNight: 20, photoKb: 300 })
    const drive = path.join(dir, 'concurrent', 'DRIVE')
    await fsp.mkdir(drive)
    const start = () => {
      const child = spawn(process.execPath, [cli, 'backup', card, '--to', drive, '--full'], {
        stdio: 'ignore',
      })
      return new Promise<number | null>((resolve) => child.on('exit', resolve))
    }
    expect(await Promise.all([start(), start()])).toEqual([0, 0])
    await expectMirror(card, path.join(drive, 'adeptTurca_CARD'))
  }, 60_000)

  it('while another backup holds the drive, --no-wait refuses and a plain run waits, saying so', async () => {
    const card = await newCard('held')
    const drive = path.join(dir, 'held', 'DRIVE')
    const cardFolder = path.join(drive, 'adeptTurca_CARD')
    await fsp.mkdir(cardFolder, { recursive: true })
    const lock = path.join(cardFolder, BACKUP_LOCK_FILE)
    // This test process stands for the other backup: alive, on this computer.
    await fsp.writeFile(
      lock,
      JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: Date.now() }),
    )

    const busy = run(['backup', card, '--to', drive, '--no-wait'])
    expect(busy.status).toBe(1)
    expect(busy.stderr).toContain('Another backup is writing to')
    expect(await filesUnder(cardFolder)).toEqual([BACKUP_LOCK_FILE])

    const waiting = spawn(process.execPath, [cli, 'backup', card, '--to', drive], { stdio: 'pipe' })
    let stderr = ''
    let stdout = ''
    waiting.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    waiting.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const done = new Promise<number | null>((resolve) => waiting.on('exit', resolve))
    await vi.waitUntil(() => stderr.includes('Waiting for the other backup to this drive'), {
      timeout: 20_000,
      interval: 50,
    })
    expect(await filesUnder(cardFolder)).toEqual([BACKUP_LOCK_FILE])
    await fsp.rm(lock)
    expect(await done).toBe(0)
    expect(stdout).toContain('Backup complete')
    await expectMirror(card, cardFolder)
    expect(fs.existsSync(lock)).toBe(false)
  }, 60_000)

  it('takes the drives in one order, so runs naming them in different orders never block each other', async () => {
    const card = await newCard('lock-order')
    const [a, b] = ['DRIVE-A', 'DRIVE-B'].map((name) => path.join(dir, 'lock-order', name)) as [
      string,
      string,
    ]
    for (const drive of [a, b]) await fsp.mkdir(path.join(drive, 'adeptTurca_CARD'), { recursive: true })
    const lockOf = (drive: string) => path.join(drive, 'adeptTurca_CARD', BACKUP_LOCK_FILE)
    // Another run holds A; this one names B first. Holding B while it waits for A could deadlock with a
    // run that holds A and wants B: it must wait for A before taking B.
    await fsp.writeFile(
      lockOf(a),
      JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: Date.now() }),
    )
    const child = spawn(process.execPath, [cli, 'backup', card, '--to', b, '--to', a], { stdio: 'pipe' })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const done = new Promise<number | null>((resolve) => child.on('exit', resolve))
    await vi.waitUntil(() => stderr.includes('Waiting for the other backup'), {
      timeout: 30_000,
      interval: 50,
    })
    expect(fs.existsSync(lockOf(b))).toBe(false)
    await fsp.rm(lockOf(a))
    expect(await done).toBe(0)
    await expectMirror(card, path.join(a, 'adeptTurca_CARD'))
    await expectMirror(card, path.join(b, 'adeptTurca_CARD'))
  })

  it('takes over the lock a killed backup left behind', async () => {
    const card = await newCard('stale-lock')
    const drive = path.join(dir, 'stale-lock', 'DRIVE')
    const cardFolder = path.join(drive, 'adeptTurca_CARD')
    await fsp.mkdir(cardFolder, { recursive: true })
    // A pid that is not running on this computer.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    })
    await fsp.writeFile(
      path.join(cardFolder, BACKUP_LOCK_FILE),
      JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), startedAt: Date.now() - 60_000 }),
    )
    const result = run(['backup', card, '--to', drive, '--no-wait'])
    expect(result.status).toBe(0)
    await expectMirror(card, cardFolder)
  })
})

describe('a card with a folder and a photo the user cannot read', () => {
  it('copies and verifies everything readable, names what was not copied first, and exits 3', async () => {
    const card = await newCard('unreadable')
    const lostFound = path.join(card, 'lost+found')
    await fsp.mkdir(lostFound)
    await fsp.writeFile(path.join(lostFound, '#1234'), 'recovered block')
    await fsp.chown(lostFound, 1000, 1000)
    await fsp.chmod(lostFound, 0o700)
    const photos = (await filesUnder(card)).filter((name) => name.endsWith('.jpg'))
    const locked = photos[0] as string
    await fsp.chmod(path.join(card, locked), 0o000)
    const drive = path.join(dir, 'unreadable', 'DRIVE')
    await fsp.mkdir(drive)

    const result = runWithoutPermissionBypass(['backup', card, '--to', drive])
    expect(result.status).toBe(3)
    const lines = result.stdout.split('\n')
    expect(lines[0]).toMatch(/^Not copied: /)
    expect(result.stdout).toContain(`Not copied: lost+found: This folder could not be read (EACCES)`)
    expect(result.stdout).toContain(`Not copied: ${locked}: Could not read from the card`)
    expect(result.stdout).toContain('Backup INCOMPLETE: 2 problems')
    const readable = (await filesUnder(card)).filter(
      (name) => name !== locked && !name.startsWith('lost+found'),
    )
    // The locked photo was listed, so it counts among the card's files: one of them is not on the drive.
    expect(result.stdout).toContain(`${readable.length} of ${readable.length + 1} files verified`)

    const cardFolder = path.join(drive, 'adeptTurca_CARD')
    const manifest = await readManifest(cardFolder)
    expect(manifest.has(locked)).toBe(false)
    for (const relative of readable) {
      expect(manifest.get(relative)?.hash).toBe(await hashFile(path.join(card, relative)))
    }

    // Then the user frees the card: nothing is deleted on the strength of a listing that missed a folder.
    const before = await filesUnder(card)
    const cleanup = runWithoutPermissionBypass([
      'cleanup',
      card,
      '--keep-days',
      '0',
      '--require-backup',
      drive,
    ])
    expect(cleanup.status).toBe(3)
    expect(cleanup.stdout).toContain('Deleted 0 photos')
    expect(cleanup.stdout).toContain('the folder lost+found beside it could not be read')
    expect(await filesUnder(card)).toEqual(before)

    const stats = runWithoutPermissionBypass(['stats', card, '--json'])
    expect(stats.status).toBe(0)
    expect(
      JSON.parse(stats.stdout)
        .unreadable.map((u: { path: string }) => u.path)
        .sort(),
    ).toEqual(['lost+found', locked].sort())
  })
})
