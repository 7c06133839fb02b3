import fs from 'node:fs'
import { execFileSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backupFiles, PARTIAL_SUFFIX, type BackupFile } from '../../../src/core/storage/backup.js'
import { hashFile } from '../../../src/core/storage/fileHash.js'
import { readManifest } from '../../../src/core/storage/manifest.js'
import { LocalSource } from '../../../src/core/sources/localSource.js'
import { writeCardFixture } from '../../../src/core/fixtures/cardFixture.js'
import { filesUnder } from '../../support/filesUnder.js'
import { walkSource } from '../../../src/core/sources/walkSource.js'

let dir: string
let card: string
let driveA: string
let driveB: string

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'backup-'))
  card = path.join(dir, 'CARD')
  driveA = path.join(dir, 'driveA')
  driveB = path.join(dir, 'driveB')
  await Promise.all([card, driveA, driveB].map((folder) => fsp.mkdir(folder)))
  await writeCardFile('photos/2024-09-01/adeptTurca_2024_09_01__22_00_00_HDR0.jpg', 300_000, 1)
  await writeCardFile('photos/2024-09-01/adeptTurca_2024_09_01__22_00_00_HDR0.jpg.json', 200, 2)
  await writeCardFile('photos/2024-09-02/adeptTurca_2024_09_02__02_40_18_HDR1.jpg', 2_500_000, 3)
  await writeCardFile('camera_settings.csv', 100, 4)
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

async function writeCardFile(relative: string, size: number, seed: number): Promise<void> {
  const file = path.join(card, relative)
  await fsp.mkdir(path.dirname(file), { recursive: true })
  const data = Buffer.alloc(size)
  for (let i = 0; i < size; i++) data[i] = (i * seed * 31 + seed) & 0xff
  await fsp.writeFile(file, data)
  const when = new Date(Date.UTC(2024, 8, 1, 20, seed))
  await fsp.utimes(file, when, when)
}

async function cardFiles(source: LocalSource): Promise<BackupFile[]> {
  const files: BackupFile[] = []
  for await (const file of walkSource(source)) files.push(file)
  return files
}

describe('backupFiles', () => {
  it('copies every file to two drives, verified, with mtimes kept and a manifest line each', async () => {
    const source = await LocalSource.open(card)
    const files = await cardFiles(source)
    const result = await backupFiles(source, files, [driveA, driveB], { deviceName: 'adeptTurca' })
    expect(result.copied).toBe(4)
    expect(result.failed).toEqual([])
    for (const drive of [driveA, driveB]) {
      const folder = path.join(drive, 'adeptTurca_CARD')
      const manifest = await readManifest(folder)
      for (const file of files) {
        const copy = path.join(folder, file.path)
        expect(await hashFile(copy)).toBe(await hashFile(path.join(card, file.path)))
        expect(manifest.get(file.path)?.hash).toBe(await hashFile(copy))
        expect(Math.abs((await fsp.stat(copy)).mtimeMs - file.mtimeMs)).toBeLessThan(2)
      }
      expect((await filesUnder(folder)).filter((name) => name.endsWith(PARTIAL_SUFFIX))).toEqual([])
    }
  })

  it('copies a card on this computer in copy threads: this thread reads none of its files', async () => {
    const source = await LocalSource.open(card)
    const files = await cardFiles(source)
    const readHere = () => {
      throw new Error('a card file was read on the main thread')
    }
    Object.assign(source, { openReader: readHere, createReadStream: readHere, readRange: readHere })
    const result = await backupFiles(source, files, [driveA, driveB], { deviceName: 'adeptTurca' })
    expect(result.failed).toEqual([])
    expect(result.destinations.map((destination) => destination.copied)).toEqual([4, 4])
    for (const drive of [driveA, driveB]) {
      const manifest = await readManifest(path.join(drive, 'adeptTurca_CARD'))
      for (const file of files) {
        const copy = path.join(drive, 'adeptTurca_CARD', file.path)
        expect(manifest.get(file.path)?.hash).toBe(await hashFile(path.join(card, file.path)))
        expect(await hashFile(copy)).toBe(manifest.get(file.path)?.hash)
      }
    }
  })

  it('reads each file of a card read on this thread (as a box is) once however many drives it writes to', async () => {
    const source = await LocalSource.open(card)
    Object.assign(source, { localPath: undefined })
    const files = await cardFiles(source)
    const bytesRead = new Map<string, number>()
    const openReader = source.openReader.bind(source)
    source.openReader = async (filePath) => {
      const reader = await openReader(filePath)
      return {
        read: async (buffer, position) => {
          const n = await reader.read(buffer, position)
          bytesRead.set(filePath, (bytesRead.get(filePath) ?? 0) + n)
          return n
        },
        close: () => reader.close(),
      }
    }
    const result = await backupFiles(source, files, [driveA, driveB], {})
    expect(result.destinations.map((destination) => destination.copied)).toEqual([4, 4])
    for (const file of files) expect(bytesRead.get(file.path)).toBe(file.size)
  })

  it('copies a truncated and an empty photo and reports them as damaged, judged from the copied bytes', async () => {
    const truncated = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), Buffer.alloc(3_000_000, 7)])
    await fsp.writeFile(
      path.join(card, 'photos/2024-09-01/adeptTurca_2024_09_01__23_00_00_HDR0.jpg'),
      truncated,
    )
    await fsp.writeFile(path.join(card, 'photos/2024-09-01/adeptTurca_2024_09_01__23_10_00_HDR0.jpg'), '')
    const source = await LocalSource.open(card)
    const files = await cardFiles(source)
    const result = await backupFiles(source, files, [driveA], { deviceName: 'adeptTurca' })
    expect(result.copied).toBe(6)
    expect(result.flagged).toEqual(
      expect.arrayContaining([
        { path: 'photos/2024-09-01/adeptTurca_2024_09_01__23_00_00_HDR0.jpg', flags: ['corrupt'] },
        { path: 'photos/2024-09-01/adeptTurca_2024_09_01__23_10_00_HDR0.jpg', flags: ['empty'] },
      ]),
    )
    // Only photos are judged: a settings file or a sidecar has no image signature to check.
    const flaggedPaths = result.flagged.map((photo) => photo.path)
    expect(flaggedPaths).not.toContain('camera_settings.csv')
    expect(flaggedPaths).not.toContain('photos/2024-09-01/adeptTurca_2024_09_01__22_00_00_HDR0.jpg.json')
  })

  it('flags no whole photo of a real card, however many are copied at once', async () => {
    const fixture = await writeCardFixture(path.join(dir, 'REAL'), {
      nights: 1,
      perNight: 16,
      photoKb: 1500,
      odd: false,
    })
    const source = await LocalSource.open(fixture.root)
    const result = await backupFiles(source, await cardFiles(source), [driveA], {})
    expect(result.copied).toBe(fixture.files.length)
    expect(result.flagged).toEqual([])
  })

  it('copies from a source that offers only a stream (no positional reads)', async () => {
    const local = await LocalSource.open(card)
    const files = await cardFiles(local)
    const streamOnly = Object.create(local) as LocalSource
    Object.assign(streamOnly, { openReader: undefined, localPath: undefined })
    const result = await backupFiles(streamOnly, files, [driveA], { deviceName: 'adeptTurca' })
    expect(result.copied).toBe(4)
    for (const file of files) {
      const copy = path.join(driveA, 'adeptTurca_CARD', file.path)
      expect(await hashFile(copy)).toBe(await hashFile(path.join(card, file.path)))
    }
  })

  it('skips files already verified at the destination and recopies a changed one, deleting nothing', async () => {
    const source = await LocalSource.open(card)
    await backupFiles(source, await cardFiles(source), [driveA], { deviceName: 'adeptTurca' })
    const extra = path.join(driveA, 'adeptTurca_CARD', 'photos', 'researcher-notes.txt')
    await fsp.writeFile(extra, 'keep me')

    const again = await backupFiles(source, await cardFiles(source), [driveA], { deviceName: 'adeptTurca' })
    expect(again).toMatchObject({ copied: 0, skipped: 4 })

    await writeCardFile('camera_settings.csv', 150, 9)
    const third = await backupFiles(source, await cardFiles(source), [driveA], { deviceName: 'adeptTurca' })
    expect(third).toMatchObject({ copied: 1, skipped: 3 })
    expect(await fsp.readFile(extra, 'utf8')).toBe('keep me')
    const copy = path.join(driveA, 'adeptTurca_CARD', 'camera_settings.csv')
    expect(await hashFile(copy)).toBe(await hashFile(path.join(card, 'camera_settings.csv')))
  })

  it('copies again a file present at the destination but never recorded as verified', async () => {
    const source = await LocalSource.open(card)
    const files = await cardFiles(source)
    await backupFiles(source, files, [driveA], { deviceName: 'adeptTurca', verify: false })
    expect((await readManifest(path.join(driveA, 'adeptTurca_CARD'))).size).toBe(0)
    const verified = await backupFiles(source, files, [driveA], { deviceName: 'adeptTurca' })
    expect(verified.copied).toBe(4)
  })

  it('treats a whole-hour mtime shift with identical content as unchanged', async () => {
    const source = await LocalSource.open(card)
    await backupFiles(source, await cardFiles(source), [driveA], { deviceName: 'adeptTurca' })
    const file = path.join(card, 'camera_settings.csv')
    const { mtimeMs } = await fsp.stat(file)
    const shifted = new Date(mtimeMs + 3_600_000)
    await fsp.utimes(file, shifted, shifted)
    const result = await backupFiles(source, await cardFiles(source), [driveA], { deviceName: 'adeptTurca' })
    expect(result).toMatchObject({ copied: 0, skipped: 4 })
  })

  it('refuses a destination on the card itself and one that is not there', async () => {
    const source = await LocalSource.open(card)
    const files = await cardFiles(source)
    await expect(backupFiles(source, files, [path.join(card, 'photos')])).rejects.toMatchObject({
      code: 'DESTINATION_INSIDE_SOURCE',
    })
    await expect(backupFiles(source, files, [card])).rejects.toMatchObject({
      code: 'DESTINATION_INSIDE_SOURCE',
    })
    await expect(backupFiles(source, files, [path.join(dir, 'unplugged')])).rejects.toMatchObject({
      code: 'DESTINATION_NOT_FOUND',
    })
    expect(await filesUnder(card)).toHaveLength(4)
  })

  it('reports a file that vanished from the card and copies the others', async () => {
    const source = await LocalSource.open(card)
    const files = await cardFiles(source)
    await fsp.rm(path.join(card, files[0]!.path))
    const result = await backupFiles(source, files, [driveA])
    expect(result.failed).toEqual([expect.objectContaining({ path: files[0]!.path, code: 'FILE_VANISHED' })])
    expect(result.copied).toBe(3)
  })

  it('stops promptly when cancelled, leaves no temp file, and a re-run completes without recopying', async () => {
    const source = await LocalSource.open(card)
    const files = await cardFiles(source)
    const controller = new AbortController()
    const run = backupFiles(source, files, [driveA], {
      deviceName: 'adeptTurca',
      signal: controller.signal,
      onProgress: (progress) => {
        if ((progress.bytesDone ?? 0) > 0) controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    const folder = path.join(driveA, 'adeptTurca_CARD')
    expect((await filesUnder(folder)).filter((name) => name.includes(PARTIAL_SUFFIX))).toEqual([])
    const kept = (await readManifest(folder)).size
    expect(kept).toBeLessThan(files.length)
    const resumed = await backupFiles(source, files, [driveA], { deviceName: 'adeptTurca' })
    expect(resumed).toMatchObject({ copied: 4 - kept, skipped: kept })
  })
})

const canMount = (() => {
  if (process.getuid?.() !== 0) return false
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('a destination that fills up', () => {
  it.runIf(canMount)(
    'refuses a drive too small for the new files before writing to it, with both figures',
    async () => {
      const small = path.join(dir, 'tiny')
      await fsp.mkdir(small)
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small])
      try {
        const source = await LocalSource.open(card)
        const files = await cardFiles(source)
        const result = await backupFiles(source, files, [small, driveA], { deviceName: 'adeptTurca' })
        const [refused, healthy] = result.destinations
        expect(refused?.error?.code).toBe('DESTINATION_TOO_SMALL')
        expect(refused?.error?.message).toMatch(/has .*B free but this card's new files need .*B/)
        expect(refused?.copied).toBe(0)
        expect(await filesUnder(path.join(small, 'adeptTurca_CARD'))).toEqual(['creaturebox-manifest.jsonl'])
        expect(healthy?.copied).toBe(files.length)
      } finally {
        execFileSync('umount', [small])
      }
    },
  )

  it.runIf(canMount)(
    'fails that drive cleanly with DESTINATION_FULL while the other drive completes',
    async () => {
      const small = path.join(dir, 'small')
      await fsp.mkdir(small)
      const source = await LocalSource.open(card)
      const files = await cardFiles(source)
      const cardBytes = files.reduce((sum, file) => sum + file.size, 0)
      // Room for the whole card when the backup checks, then another program fills the drive mid-run.
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${cardBytes + 2 * 1024 * 1024}`, 'tmpfs', small])
      try {
        let filled = false
        const fill = () => {
          if (filled) return
          filled = true
          const free = fs.statfsSync(small)
          fs.writeFileSync(
            path.join(small, 'other-program'),
            Buffer.alloc(free.bavail * free.bsize - 300_000),
          )
        }
        const result = await backupFiles(source, files, [small, driveA], {
          deviceName: 'adeptTurca',
          onProgress: (progress) => {
            if (progress.currentFile !== undefined) fill()
          },
        })
        const [full, healthy] = result.destinations
        expect(full?.error?.code).toBe('DESTINATION_FULL')
        expect(healthy?.error).toBeUndefined()
        expect(healthy?.copied).toBe(4)
        const folder = path.join(small, 'adeptTurca_CARD')
        const left = await filesUnder(folder)
        expect(left.filter((name) => name.includes(PARTIAL_SUFFIX))).toEqual([])
        // What did fit is complete and verified.
        const manifest = await readManifest(folder)
        expect(manifest.size).toBe(full?.copied)
        for (const [relative, entry] of manifest)
          expect(await hashFile(path.join(folder, relative))).toBe(entry.hash)
      } finally {
        execFileSync('umount', [small])
      }
    },
  )
})

describe('a drive unplugged during a backup', () => {
  it.runIf(canMount)(
    'stops that drive with a clear message and never writes into the mount folder left behind',
    async () => {
      for (let i = 0; i < 40; i++) {
        await writeCardFile(
          `photos/2024-09-03/adeptTurca_2024_09_03__01_00_${String(i).padStart(2, '0')}_HDR0.jpg`,
          200_000,
          i + 5,
        )
      }
      const usb = path.join(dir, 'usb')
      await fsp.mkdir(usb)
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', usb])
      let mounted = true
      try {
        const source = await LocalSource.open(card)
        const files = await cardFiles(source)
        const result = await backupFiles(source, files, [usb, driveA], {
          deviceName: 'adeptTurca',
          onProgress: () => {
            // Pulled after the backup started, before the next file: the mount folder stays behind,
            // now on the laptop's own disk, as a manual mount leaves it.
            if (mounted) {
              execFileSync('umount', ['-l', usb])
              mounted = false
            }
          },
        })
        const [pulled, healthy] = result.destinations
        expect(pulled?.error?.message).toMatch(/no longer there/)
        expect(pulled?.copied).toBe(0)
        expect(healthy?.copied).toBe(files.length)
        expect(await filesUnder(usb)).toEqual([])
      } finally {
        if (mounted) execFileSync('umount', [usb])
      }
    },
  )
})
