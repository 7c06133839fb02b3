import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isCompanionError } from '../../../src/core/errors.js'
import { LocalSource } from '../../../src/core/sources/localSource.js'
import { findBackupCardFolders } from '../../../src/core/storage/backupCopies.js'
import { cleanupOldPhotos, planCleanup } from '../../../src/core/storage/cleanup.js'
import { HASH_ALGORITHM, hashFile } from '../../../src/core/storage/fileHash.js'
import { ManifestWriter } from '../../../src/core/storage/manifest.js'
import { dateOf, nightOf } from '../../../src/shared/night.js'
import { parsePhotoName } from '../../../src/shared/photoName.js'
import type { Catalog } from '../../../src/shared/storage.js'

let dir: string
let card: string
let backupDrive: string
let cardFolder: string
let source: LocalSource
const undeletable: string[] = []

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cleanup-'))
  card = path.join(dir, 'card')
  backupDrive = path.join(dir, 'backup-drive')
  cardFolder = path.join(backupDrive, 'adeptTurca-CARD1')
  await fsp.mkdir(card, { recursive: true })
  source = new LocalSource(card)
})
afterEach(async () => {
  for (const file of undeletable.splice(0)) allowDeletion(file)
  await fsp.chmod(dir, 0o755).catch(() => {})
  await fsp.rm(dir, { recursive: true, force: true })
})

const OLD = 'adeptTurca_2024_09_02__02_40_18_HDR0.jpg'
const OLD2 = 'adeptTurca_2024_09_02__02_40_21_HDR1.jpg'
const RECENT = 'adeptTurca_2024_10_30__22_10_00_HDR0.jpg'
const NOW = new Date(2024, 10, 1, 12, 0, 0)

async function writeOnCard(relativePath: string, content: string | Buffer): Promise<void> {
  const target = path.join(card, relativePath)
  await fsp.mkdir(path.dirname(target), { recursive: true })
  await fsp.writeFile(target, content)
}

const photoBytes = (label: string) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(label.repeat(20))])

/** A photo and its sidecar on the card, in the date folder of its capture. */
async function photoOnCard(name: string, options: { sidecar?: boolean } = {}): Promise<string> {
  const relativePath = `${name.slice(11, 21).replaceAll('_', '-')}/${name}`
  await writeOnCard(relativePath, photoBytes(name))
  if (options.sidecar) await writeOnCard(`${relativePath}.json`, JSON.stringify({ photo: name }))
  return relativePath
}

/** Copies files as a verified backup does: the copy, then its manifest line with the copy's hash. */
async function backUp(...relativePaths: string[]): Promise<void> {
  const manifest = await ManifestWriter.open(cardFolder)
  try {
    for (const relativePath of relativePaths) {
      const copy = path.join(cardFolder, relativePath)
      await fsp.mkdir(path.dirname(copy), { recursive: true })
      await fsp.copyFile(path.join(card, relativePath), copy)
      const stats = await fsp.stat(copy)
      await manifest.append({
        path: relativePath,
        size: stats.size,
        mtimeMs: stats.mtimeMs,
        hash: await hashFile(copy),
        algorithm: HASH_ALGORITHM,
        verifiedAt: Date.now(),
      })
    }
  } finally {
    await manifest.close()
  }
}

/** A catalog as buildCatalog would describe these photos, each with the sidecar it has on the card. */
async function catalogOf(...photoPaths: string[]): Promise<Catalog> {
  const photos = await Promise.all(
    photoPaths.map(async (photoPath) => {
      const stats = await fsp.stat(path.join(card, photoPath))
      const capturedAt = parsePhotoName(photoPath)?.capturedAt as string
      const hasSidecar = await source.stat(`${photoPath}.json`)
      return {
        path: photoPath,
        size: stats.size,
        mtimeMs: stats.mtimeMs,
        capturedAt,
        captureOrigin: 'filename' as const,
        date: dateOf(capturedAt),
        night: nightOf(capturedAt),
        companions: hasSidecar ? [`${photoPath}.json`] : [],
        flags: [],
      }
    }),
  )
  return { sourceId: `local:${card}`, photos, otherFiles: [] }
}

const cleanup = (catalog: Catalog, options: Parameters<typeof cleanupOldPhotos>[3] = {}) =>
  cleanupOldPhotos(source, catalog, 30, {
    requireBackupAt: [backupDrive],
    now: NOW,
    dryRun: false,
    ...options,
  })

/** Same size, other bytes: only a hash tells. */
async function flipLastByte(file: string): Promise<void> {
  const bytes = await fsp.readFile(file)
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1)
  await fsp.writeFile(file, bytes)
}

const onCard = async (relativePath: string) => (await source.stat(relativePath)) !== undefined

/** Makes a file impossible to delete even for root (immutable flag), or for a user (read-only folder). */
function forbidDeletion(file: string): void {
  if (process.getuid?.() === 0) execFileSync('chattr', ['+i', file])
  else execFileSync('chmod', ['a-w', path.dirname(file)])
  undeletable.push(file)
}
function allowDeletion(file: string): void {
  if (process.getuid?.() === 0) execFileSync('chattr', ['-i', file])
  else execFileSync('chmod', ['u+w', path.dirname(file)])
}

describe('cleanupOldPhotos', () => {
  it('refuses a photo that is in no backup, and keeps it', async () => {
    const photo = await photoOnCard(OLD)
    await backUp()
    const plan = await cleanup(await catalogOf(photo))
    expect(plan.deleted).toBe(0)
    expect(plan.refused).toEqual([{ path: photo, reason: 'not in any backup', code: 'NOT_BACKED_UP' }])
    expect(await onCard(photo)).toBe(true)
  })

  it('refuses when the backup copy was altered after it was verified', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    await flipLastByte(path.join(cardFolder, photo))
    const catalog = await catalogOf(photo)
    const preview = await planCleanup(source, catalog, {
      daysToKeep: 30,
      requireBackupAt: [backupDrive],
      now: NOW,
    })
    const plan = await cleanup(catalog)
    for (const result of [preview, plan]) {
      expect(result.toDelete).toEqual([])
      expect(result.refused).toEqual([expect.objectContaining({ path: photo, code: 'BACKUP_DIFFERS' })])
    }
    expect(await onCard(photo)).toBe(true)
  })

  it('refuses when the photo on the card changed after the backup', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    await flipLastByte(path.join(card, photo))
    const plan = await cleanup(await catalogOf(photo))
    expect(plan.refused).toEqual([expect.objectContaining({ path: photo, code: 'SOURCE_CHANGED' })])
    expect(await onCard(photo)).toBe(true)
  })

  it('refuses when the backup file is missing though the manifest lists it', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    await fsp.rm(path.join(cardFolder, photo))
    const plan = await cleanup(await catalogOf(photo))
    expect(plan.refused).toEqual([{ path: photo, reason: 'backup file missing', code: 'BACKUP_MISSING' }])
    expect(await onCard(photo)).toBe(true)
  })

  it('deletes a photo and its sidecar when both copies are verified', async () => {
    const photo = await photoOnCard(OLD, { sidecar: true })
    await backUp(photo, `${photo}.json`)
    const sizes =
      (await fsp.stat(path.join(card, photo))).size + (await fsp.stat(path.join(card, `${photo}.json`))).size
    const plan = await cleanup(await catalogOf(photo))
    expect(plan).toMatchObject({ deleted: 1, bytesFreed: sizes, bytesToFree: sizes, refused: [], failed: [] })
    expect(plan.toDelete).toEqual([
      expect.objectContaining({ path: photo, companions: [`${photo}.json`], backupAt: cardFolder }),
    ])
    expect(await onCard(photo)).toBe(false)
    expect(await onCard(`${photo}.json`)).toBe(false)
    // The backup is never touched.
    expect((await fsp.stat(path.join(cardFolder, photo))).isFile()).toBe(true)
  })

  it('keeps a verified photo whose sidecar has no verified copy, and the sidecar with it', async () => {
    const photo = await photoOnCard(OLD, { sidecar: true })
    await backUp(photo)
    const plan = await cleanup(await catalogOf(photo))
    expect(plan.deleted).toBe(0)
    expect(plan.refused).toEqual([
      { path: photo, reason: `its sidecar ${photo}.json: not in any backup`, code: 'NOT_BACKED_UP' },
    ])
    expect(await onCard(photo)).toBe(true)
    expect(await onCard(`${photo}.json`)).toBe(true)
  })

  it('keeps a sidecar whose photo has no verified copy, and the photo with it', async () => {
    const photo = await photoOnCard(OLD, { sidecar: true })
    await backUp(`${photo}.json`)
    const plan = await cleanup(await catalogOf(photo))
    expect(plan.refused).toEqual([expect.objectContaining({ path: photo, code: 'NOT_BACKED_UP' })])
    expect(await onCard(photo)).toBe(true)
    expect(await onCard(`${photo}.json`)).toBe(true)
  })

  it('hashes both files again right before deleting, so a copy altered after the plan saves the photo', async () => {
    const first = await photoOnCard(OLD)
    const second = await photoOnCard(OLD2)
    await backUp(first, second)
    const plan = await cleanup(await catalogOf(first, second), {
      onProgress: (progress) => {
        // The plan verified both; now, just before the second deletion, its copy goes bad.
        if (progress.message === 'Deleting verified photos' && progress.currentFile === second) {
          execFileSync('truncate', ['-s', '0', path.join(cardFolder, second)])
        }
      },
    })
    expect(plan.deleted).toBe(1)
    expect(plan.refused).toEqual([expect.objectContaining({ path: second, code: 'BACKUP_DIFFERS' })])
    expect(await onCard(first)).toBe(false)
    expect(await onCard(second)).toBe(true)
  })

  it('deletes nothing in a dry run, which is the default, and says what it would delete', async () => {
    const photo = await photoOnCard(OLD, { sidecar: true })
    await backUp(photo, `${photo}.json`)
    const catalog = await catalogOf(photo)
    const byDefault = await cleanupOldPhotos(source, catalog, 30, {
      requireBackupAt: [backupDrive],
      now: NOW,
    })
    const explicit = await cleanup(catalog, { dryRun: true })
    const planned = await planCleanup(source, catalog, {
      daysToKeep: 30,
      requireBackupAt: [backupDrive],
      now: NOW,
    })
    for (const plan of [byDefault, explicit, planned]) {
      expect(plan).toMatchObject({ dryRun: true, deleted: 0, bytesFreed: 0, cutoff: '2024-10-02T12:00:00' })
      expect(plan.toDelete.map((item) => item.path)).toEqual([photo])
    }
    expect(await onCard(photo)).toBe(true)
    expect(await onCard(`${photo}.json`)).toBe(true)
  })

  it('keeps photos captured within the days to keep, even when backed up', async () => {
    const recent = await photoOnCard(RECENT)
    await backUp(recent)
    const plan = await cleanup(await catalogOf(recent))
    expect(plan.toDelete).toEqual([])
    expect(plan.refused).toEqual([])
    expect(await onCard(recent)).toBe(true)
  })

  it('removes date folders left empty, keeps folders that still hold files, and never the root', async () => {
    const old = await photoOnCard(OLD, { sidecar: true })
    const recent = await photoOnCard(RECENT)
    await writeOnCard('2024-09-02/notes.txt', 'field notes')
    const older = 'adeptTurca_2024_09_01__23_00_00_HDR0.jpg'
    const olderPath = await photoOnCard(older)
    await backUp(old, `${old}.json`, olderPath, recent)
    const plan = await cleanup(await catalogOf(old, olderPath, recent))
    expect(plan.deleted).toBe(2)
    expect(plan.removedFolders).toEqual(['2024-09-01'])
    expect(await fsp.readdir(card)).toEqual(['2024-09-02', '2024-10-30'])
    expect(await fsp.readdir(path.join(card, '2024-09-02'))).toEqual(['notes.txt'])
  })

  it('accepts the card folder itself as well as the drive that holds card folders', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    expect(await findBackupCardFolders([backupDrive])).toEqual({ cardFolders: [cardFolder], unavailable: [] })
    expect(await findBackupCardFolders([cardFolder])).toEqual({ cardFolders: [cardFolder], unavailable: [] })
    const plan = await cleanup(await catalogOf(photo), { requireBackupAt: [cardFolder] })
    expect(plan.deleted).toBe(1)
  })

  it('deletes nothing when no backup is named', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    const plan = await cleanup(await catalogOf(photo), { requireBackupAt: [] })
    expect(plan.deleted).toBe(0)
    expect(plan.refused).toEqual([expect.objectContaining({ code: 'NOT_BACKED_UP' })])
  })

  it('reports a photo that fails to delete and carries on with the others', async () => {
    const stuck = await photoOnCard(OLD, { sidecar: true })
    const other = await photoOnCard('adeptTurca_2024_09_05__01_00_00_HDR0.jpg')
    await backUp(stuck, `${stuck}.json`, other)
    forbidDeletion(path.join(card, stuck))
    const plan = await cleanup(await catalogOf(stuck, other))
    expect(plan.deleted).toBe(1)
    expect(plan.failed).toEqual([expect.objectContaining({ path: stuck })])
    expect(await onCard(other)).toBe(false)
    // Its sidecar stays with it.
    expect(await onCard(stuck)).toBe(true)
    expect(await onCard(`${stuck}.json`)).toBe(true)
  })

  it('stops between photos when cancelled', async () => {
    const first = await photoOnCard(OLD)
    const second = await photoOnCard(OLD2)
    await backUp(first, second)
    const controller = new AbortController()
    const run = cleanup(await catalogOf(first, second), {
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.message === 'Deleting verified photos' && progress.filesDone === 1) controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED', details: { deleted: 1 } })
    expect(await onCard(first)).toBe(false)
    expect(await onCard(second)).toBe(true)
  })

  it('refuses a "backup" that is a hard link to the card’s own file', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    await fsp.rm(path.join(cardFolder, photo))
    await fsp.link(path.join(card, photo), path.join(cardFolder, photo))
    const plan = await cleanup(await catalogOf(photo))
    expect(plan.refused).toEqual([expect.objectContaining({ code: 'BACKUP_IS_SOURCE' })])
    expect(await onCard(photo)).toBe(true)
  })

  it('refuses a "backup" that is a symlink, which may point back at the card', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    await fsp.rm(path.join(cardFolder, photo))
    await fsp.symlink(path.join(card, photo), path.join(cardFolder, photo))
    const plan = await cleanup(await catalogOf(photo))
    expect(plan.refused).toEqual([expect.objectContaining({ code: 'BACKUP_MISSING' })])
    expect(await onCard(photo)).toBe(true)
  })

  it('refuses a backup kept on the card being cleaned', async () => {
    const photo = await photoOnCard(OLD)
    cardFolder = path.join(card, 'backup', 'CARD1')
    await backUp(photo)
    await expect(cleanup(await catalogOf(photo), { requireBackupAt: [cardFolder] })).rejects.toMatchObject({
      code: 'DESTINATION_INSIDE_SOURCE',
    })
    expect(await onCard(photo)).toBe(true)
  })

  it('refuses to treat a backup folder as the card to clean', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    source = new LocalSource(cardFolder)
    await expect(
      cleanupOldPhotos(source, await catalogOfBackup(photo), 30, {
        requireBackupAt: [backupDrive],
        now: NOW,
        dryRun: false,
      }),
    ).rejects.toMatchObject({ code: 'DESTINATION_INSIDE_SOURCE' })
    expect((await fsp.stat(path.join(cardFolder, photo))).isFile()).toBe(true)
  })

  it('says when no named backup is there, and deletes nothing', async () => {
    const photo = await photoOnCard(OLD)
    await expect(
      cleanup(await catalogOf(photo), { requireBackupAt: [path.join(dir, 'unplugged')] }),
    ).rejects.toMatchObject({ code: 'DESTINATION_NOT_FOUND' })
    expect((await fsp.stat(path.join(card, photo))).isFile()).toBe(true)
  })

  it('counts the backups that are there when another named one is not, and says which was missing', async () => {
    const photo = await photoOnCard(OLD)
    await backUp(photo)
    const unplugged = path.join(dir, 'unplugged')
    const plan = await cleanup(await catalogOf(photo), { requireBackupAt: [unplugged, backupDrive] })
    expect(plan.deleted).toBe(1)
    expect(plan.unavailableBackups).toEqual([unplugged])
  })

  it('refuses a number of days that is not a whole, non-negative number', async () => {
    await expect(
      cleanupOldPhotos(source, await catalogOf(), -1, { requireBackupAt: [] }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
  })
})

describe('cleanupOldPhotos with every drive required (allVerified)', () => {
  /** Other drives are file systems of their own (tmpfs): two folders of one drive are refused as one drive. */
  const mounted: string[] = []
  async function otherDrive(name: string): Promise<string> {
    if (process.getuid?.() !== 0) throw new Error('these tests mount a tmpfs as a second drive and need root')
    const drive = path.join(dir, name)
    await fsp.mkdir(drive)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', drive])
    mounted.push(drive)
    return drive
  }
  afterEach(() => {
    for (const drive of mounted.splice(0)) execFileSync('umount', [drive])
  })

  /** A second drive holding the same verified backup (the card folder copied with its manifest). */
  async function secondDrive(): Promise<string> {
    const drive = await otherDrive('backup-drive-B')
    await fsp.cp(cardFolder, path.join(drive, path.basename(cardFolder)), { recursive: true })
    return drive
  }

  it('deletes a recent photo verified on both drives, but re-checks every drive right before deleting', async () => {
    const recent = await photoOnCard(RECENT, { sidecar: true })
    const second = await photoOnCard(OLD2)
    await backUp(recent, `${recent}.json`, second)
    const driveB = await secondDrive()
    const copyOnB = path.join(driveB, path.basename(cardFolder), second)
    const plan = await cleanup(await catalogOf(recent, second), {
      allVerified: true,
      requireBackupAt: [backupDrive, driveB],
      onProgress: (progress) => {
        // Verified on both at planning; B's copy goes bad (same size, other bytes) just before it is deleted.
        if (progress.message === 'Deleting verified photos' && progress.currentFile === second) {
          const bytes = readFileSync(copyOnB)
          bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1)
          writeFileSync(copyOnB, bytes)
        }
      },
    })
    // Not "old" at all (captured two days before NOW): every drive's verified copy is what counts.
    expect(plan.deleted).toBe(1)
    expect(await onCard(recent)).toBe(false)
    expect(await onCard(`${recent}.json`)).toBe(false)
    expect(await onCard(second)).toBe(true)
    expect(plan.refused).toEqual([
      expect.objectContaining({
        path: second,
        code: 'BACKUP_DIFFERS',
        reason: `not verified on every drive: ${driveB}: backup differs from its verified record; ${backupDrive}: verified`,
      }),
    ])
  })

  it('keeps a photo whose second drive holds no backup of the card at all', async () => {
    const old = await photoOnCard(OLD)
    await backUp(old)
    const emptyDrive = await otherDrive('empty-drive')
    const plan = await cleanup(await catalogOf(old), {
      allVerified: true,
      requireBackupAt: [backupDrive, emptyDrive],
    })
    expect(plan.deleted).toBe(0)
    expect(plan.refused[0]?.reason).toBe(
      `not verified on every drive: ${emptyDrive}: not in any backup; ${backupDrive}: verified`,
    )
    expect(await onCard(old)).toBe(true)
  })

  it('deletes nothing, and names the drive, when one of them is not there', async () => {
    const old = await photoOnCard(OLD)
    await backUp(old)
    const missing = path.join(dir, 'drive-at-home')
    const attempt = cleanup(await catalogOf(old), {
      allVerified: true,
      requireBackupAt: [backupDrive, missing],
    })
    await expect(attempt).rejects.toMatchObject({
      code: 'DESTINATION_NOT_FOUND',
      message: expect.stringContaining(`Nothing was deleted: ${missing} is not there`),
    })
    expect(await onCard(old)).toBe(true)
  })

  it('refuses one drive named twice over, as itself and as its card folder or through a link', async () => {
    const old = await photoOnCard(OLD)
    await backUp(old)
    const link = path.join(dir, 'link-to-drive')
    await fsp.symlink(backupDrive, link)
    for (const twice of [
      [backupDrive, cardFolder],
      [backupDrive, link],
    ]) {
      await expect(
        cleanup(await catalogOf(old), { allVerified: true, requireBackupAt: twice }),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('name each drive once'),
      })
    }
    expect(await onCard(old)).toBe(true)
  })

  it('refuses two folders of one drive as two drives: one drive lost loses both copies', async () => {
    const old = await photoOnCard(OLD)
    await backUp(old)
    const sameDrive = path.join(dir, 'backup-drive-copy')
    await fsp.cp(cardFolder, path.join(sameDrive, path.basename(cardFolder)), { recursive: true })
    await expect(
      cleanup(await catalogOf(old), { allVerified: true, requireBackupAt: [backupDrive, sameDrive] }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`${backupDrive} and ${sameDrive} are on the same drive`),
    })
    expect(await onCard(old)).toBe(true)
  })

  it('does not count, for a drive, a copy that a link there leads to on another drive', async () => {
    const old = await photoOnCard(OLD)
    await backUp(old)
    // Drive B holds the manifest but no copy of its own: the photo's folder there is a link into drive A.
    const driveB = await otherDrive('drive-B-of-links')
    const folderOnB = path.join(driveB, path.basename(cardFolder))
    await fsp.mkdir(folderOnB)
    await fsp.copyFile(
      path.join(cardFolder, 'creaturebox-manifest.jsonl'),
      path.join(folderOnB, 'creaturebox-manifest.jsonl'),
    )
    const night = path.dirname(old)
    await fsp.symlink(path.join(cardFolder, night), path.join(folderOnB, night))
    const plan = await cleanup(await catalogOf(old), {
      allVerified: true,
      requireBackupAt: [backupDrive, driveB],
    })
    expect(plan.deleted).toBe(0)
    expect(plan.refused[0]?.reason).toMatch(new RegExp(`not verified on every drive: ${driveB}: `))
    expect(await onCard(old)).toBe(true)
  })

  it('refuses to run without the drives named', async () => {
    const old = await photoOnCard(OLD)
    await backUp(old)
    await expect(
      cleanup(await catalogOf(old), { allVerified: true, requireBackupAt: [] }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(await onCard(old)).toBe(true)
  })
})

describe('unsafe cleanup roots', () => {
  const expectUnsafe = async (run: Promise<unknown>) => {
    const error = await run.then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(isCompanionError(error) && error.code).toBe('UNSAFE_SOURCE_ROOT')
  }
  const catalog: Catalog = { sourceId: 'x', photos: [], otherFiles: [] }

  it('refuses the file system root', async () => {
    await expectUnsafe(planCleanup(new LocalSource('/'), catalog, { daysToKeep: 30, requireBackupAt: [] }))
    await expectUnsafe(cleanupOldPhotos(new LocalSource('/'), catalog, 30, { dryRun: false }))
  })

  it('refuses the home folder and its parents', async () => {
    await expectUnsafe(
      planCleanup(new LocalSource(os.homedir()), catalog, { daysToKeep: 30, requireBackupAt: [] }),
    )
    await expectUnsafe(cleanupOldPhotos(source, catalog, 30, { home: path.join(card, 'ana'), dryRun: false }))
  })

  it('refuses a folder reached through a symlink to the home folder', async () => {
    const home = path.join(dir, 'home-of-ana')
    await fsp.mkdir(home)
    await fsp.symlink(home, path.join(dir, 'looks-like-a-card'))
    await expectUnsafe(
      cleanupOldPhotos(new LocalSource(path.join(dir, 'looks-like-a-card')), catalog, 30, {
        home,
        dryRun: false,
      }),
    )
  })

  it('refuses a system folder and the system drive, but not a card below it', async () => {
    await expectUnsafe(planCleanup(new LocalSource('/usr'), catalog, { daysToKeep: 1, requireBackupAt: [] }))
    await expectUnsafe(
      cleanupOldPhotos(source, catalog, 30, { systemMountpoints: ['/', card], dryRun: false }),
    )
    const plan = await cleanupOldPhotos(source, catalog, 30, { systemMountpoints: ['/'], dryRun: false })
    expect(plan.deleted).toBe(0)
  })
})

/** A catalog of files as they sit in the backup folder (the wrong source a user might pick). */
async function catalogOfBackup(photoPath: string): Promise<Catalog> {
  const stats = await fsp.stat(path.join(cardFolder, photoPath))
  const capturedAt = parsePhotoName(photoPath)?.capturedAt as string
  return {
    sourceId: `local:${cardFolder}`,
    photos: [
      {
        path: photoPath,
        size: stats.size,
        mtimeMs: stats.mtimeMs,
        capturedAt,
        captureOrigin: 'filename',
        date: dateOf(capturedAt),
        night: nightOf(capturedAt),
        companions: [],
        flags: [],
      },
    ],
    otherFiles: [],
  }
}
