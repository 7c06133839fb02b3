import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { mapCharacters } from '../../src/core/storage/destinationNames.js'
import { hashFile } from '../../src/core/storage/fileHash.js'
import { isCaseInsensitiveFolder } from '../../src/core/sources/localSource.js'
import { copyPathOf, readManifest, type ManifestEntry } from '../../src/core/storage/manifest.js'
import { filesUnder } from '../support/filesUnder.js'
import { mountExfat, mountFat32, type FuseDrive } from '../support/fuseDrives.js'

/**
 * Backups from a Pi card (ext4, where any name is legal and case matters) to the drives people buy or that
 * Mothbox copies to: FAT32 and exFAT, mounted for real through FUSE.
 */

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })

let dir: string
let card: string
const drives: FuseDrive[] = []

/** Names an ext4 card can hold and FAT/exFAT cannot, each with different bytes. */
const AWKWARD = {
  'photos/IMG_0001.JPG': 'upper',
  'photos/img_0001.jpg': 'lower',
  'photos/Img_0001.jpg': 'mixed',
  'notes/night 1: moths? "many" <3 | *.txt': 'punctuation',
  'notes/trailing dot.': 'dot',
  'notes/trailing space ': 'space',
  // A folder differing from another only in case: one folder on the drive, each file still found.
  'NOTES/upper folder.txt': 'folder',
}

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fatexfat-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 6, photoKb: 40 })).root
  for (const [name, body] of Object.entries(AWKWARD)) {
    await fsp.mkdir(path.dirname(path.join(card, name)), { recursive: true })
    await fsp.writeFile(path.join(card, name), `${body}\n`)
  }
})
afterAll(async () => {
  for (const drive of drives) drive.unmount()
  await fsp.rm(dir, { recursive: true, force: true })
})

const CASE_VARIANTS = ['photos/IMG_0001.JPG', 'photos/img_0001.jpg', 'photos/Img_0001.jpg'] as const

/** One of the case variants keeps its name; the others carry a suffix made from their own name. */
function expectCaseVariantsApart(manifest: Map<string, ManifestEntry>): void {
  const names = CASE_VARIANTS.map((name) => manifest.get(name)?.storedAs ?? name)
  expect(new Set(names.map((name) => name.toUpperCase())).size).toBe(3)
  expect(manifest.get('photos/IMG_0001.JPG')?.storedAs).toBeUndefined()
  expect(manifest.get('photos/img_0001.jpg')?.storedAs).toMatch(/^photos\/img_0001~[0-9a-f]{8}\.jpg$/)
}

/** Every card file is on the drive once, under its recorded name, with the card's bytes. */
async function expectEveryFileKept(card: string, cardFolder: string): Promise<void> {
  const manifest = await readManifest(cardFolder)
  const cardFiles = (await filesUnder(card)).map((name) => name.split(path.sep).join('/'))
  expect([...manifest.keys()].sort()).toEqual([...cardFiles].sort())
  const onDrive = (await filesUnder(cardFolder)).filter((name) => name !== 'creaturebox-manifest.jsonl')
  expect(onDrive).toHaveLength(cardFiles.length)
  for (const relative of cardFiles) {
    const entry = manifest.get(relative)
    expect(entry, relative).toBeDefined()
    const copy = copyPathOf(cardFolder, entry!)
    expect(await hashFile(copy), relative).toBe(await hashFile(path.join(card, relative)))
  }
}

describe('a backup to an exFAT drive (exfat-fuse on a loop device)', () => {
  it('keeps names that differ only in case and names the drive cannot hold, each recorded, and a re-run copies nothing', async () => {
    const drive = await mountExfat(dir, 'EXFAT')
    drives.push(drive)
    const first = run('backup', card, '--to', drive.mountPoint, '--json')
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    const report = JSON.parse(first.stdout)
    const cardFolder = report.destinations[0].cardFolder as string
    await expectEveryFileKept(card, cardFolder)

    const manifest = await readManifest(cardFolder)
    expectCaseVariantsApart(manifest)
    expect(manifest.get('notes/night 1: moths? "many" <3 | *.txt')?.storedAs).toBe(
      'NOTES/night 1\uFF1A moths\uFF1F \uFF02many\uFF02 \uFF1C3 \uFF5C \uFF0A.txt',
    )
    expect(manifest.get('notes/trailing dot.')?.storedAs).toBe('NOTES/trailing dot\uFF0E')
    expect(manifest.get('notes/trailing space ')?.storedAs).toBe('NOTES/trailing space\u2420')
    // One spelling of the folder on the drive (the first by code point): the files of notes/ live in NOTES/.
    expect(manifest.get('NOTES/upper folder.txt')?.storedAs).toBeUndefined()
    // verify finds each copy under its recorded name, and takes none of them for an unlisted file.
    const verify = run('verify', drive.mountPoint)
    expect(verify.stdout).toContain(`${report.filesTotal} ok, 0 changed, 0 missing, 0 unlisted`)
    expect(verify.status).toBe(0)

    const again = JSON.parse(run('backup', card, '--to', drive.mountPoint, '--json').stdout)
    expect(again).toMatchObject({ copied: 0, skipped: report.filesTotal })
  })
})

describe('a backup to a FAT32 drive (fusefat)', () => {
  it('keeps names that differ only in case apart, and a re-run copies nothing despite 2-second timestamps', async () => {
    // fusefat creates ASCII names only (EPERM otherwise, unlike the kernel's vfat): this card is ASCII.
    const asciiCard = path.join(dir, 'ASCIICARD')
    await writeCardFixture(asciiCard, { nights: 2, perNight: 6, photoKb: 40, odd: false })
    for (const name of CASE_VARIANTS) await fsp.writeFile(path.join(asciiCard, name), name)
    const oddSecond = path.join(asciiCard, CASE_VARIANTS[0])
    await fsp.utimes(oddSecond, new Date('2024-09-01T21:13:07.500Z'), new Date('2024-09-01T21:13:07.500Z'))
    const drive = await mountFat32(dir, 'FAT32')
    drives.push(drive)
    const first = run('backup', asciiCard, '--to', drive.mountPoint, '--json')
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    const report = JSON.parse(first.stdout)
    const cardFolder = report.destinations[0].cardFolder as string
    await expectEveryFileKept(asciiCard, cardFolder)
    expectCaseVariantsApart(await readManifest(cardFolder))
    // The drive rounded the odd second down: the copy still counts as the card's file.
    expect((await fsp.stat(copyPathOf(cardFolder, { path: CASE_VARIANTS[0] }))).mtimeMs % 2000).toBe(0)
    const again = JSON.parse(run('backup', asciiCard, '--to', drive.mountPoint, '--json').stdout)
    expect(again).toMatchObject({ copied: 0, skipped: report.filesTotal })
  })
})

describe('a name the drive itself refuses', () => {
  it('is not copied there, by name, and the drive goes on with every other file', async () => {
    // fusefat refuses every non-ASCII name (EPERM): the card's unicode photo and the mapped names.
    const drive = await mountFat32(dir, 'ASCIIFAT')
    drives.push(drive)
    const result = run('backup', card, '--to', drive.mountPoint, '--json')
    expect(result.status).toBe(3)
    const destination = JSON.parse(result.stdout).destinations[0]
    expect(destination.error).toBeUndefined()
    const refused = (destination.failed as { path: string; code: string }[]).map((failure) => failure.path)
    const nonAscii = (await filesUnder(card))
      .map((name) => name.split(path.sep).join('/'))
      .filter((name) => !/^[\x20-\x7e]*$/.test(mapCharacters(name)))
    expect(refused.sort()).toEqual(nonAscii.sort())
    expect(new Set(destination.failed.map((failure: { code: string }) => failure.code))).toEqual(
      new Set(['NAME_REFUSED_BY_DRIVE']),
    )
    const manifest = await readManifest(destination.cardFolder)
    expect(manifest.size).toBe(destination.copied)
    expect(destination.copied).toBe((await filesUnder(card)).length - nonAscii.length)
  })
})

describe('a file over 4 GiB and a FAT32 drive', () => {
  it('refuses that file by name for the FAT32 drive at once and copies the others there', async () => {
    const bigCard = path.join(dir, 'BIGCARD')
    await writeCardFixture(bigCard, { nights: 1, perNight: 3, photoKb: 20, odd: false })
    // Sparse: 4 GiB on the card costs no disk here, and must never be read for a FAT32 drive.
    const big = await fsp.open(path.join(bigCard, 'photos', 'timelapse.mp4'), 'w')
    await big.truncate(4 * 1024 ** 3)
    await big.close()
    const fat = await mountFat32(dir, 'SMALLFAT')
    drives.push(fat)
    const result = run('backup', bigCard, '--to', fat.mountPoint, '--json')
    expect(result.status).toBe(3)
    const report = JSON.parse(result.stdout)
    const fatResult = report.destinations[0]
    expect(fatResult.failed).toEqual([
      expect.objectContaining({ path: 'photos/timelapse.mp4', code: 'FILE_TOO_LARGE_FOR_DRIVE' }),
    ])
    expect(fatResult.failed[0].reason).toContain('4 GiB')
    expect(fatResult.copied).toBe(report.filesTotal - 1)
    const onDrive = await filesUnder(fatResult.cardFolder)
    expect(onDrive.some((name) => name.includes('timelapse'))).toBe(false)
    expect((await readManifest(fatResult.cardFolder)).has('photos/timelapse.mp4')).toBe(false)
  })
})

describe.each([
  ['exFAT', mountExfat],
  ['FAT32', mountFat32],
] as const)('a Mothbox USB stick formatted %s, as the card', (label, mount) => {
  it('is backed up to an ext4 folder, its case-insensitivity is asked of it, and a re-run copies nothing', async () => {
    const stick = await mount(dir, `STICK${label.replace(/\W/g, '')}`)
    drives.push(stick)
    // fusefat creates ASCII names only: no odd names on the FAT32 stick.
    await writeCardFixture(stick.mountPoint, { nights: 2, perNight: 5, photoKb: 30, odd: label === 'exFAT' })
    const target = path.join(dir, `FROM${label}`)
    await fsp.mkdir(target)
    const first = run('backup', stick.mountPoint, '--to', target, '--json')
    expect(first.status).toBe(0)
    const report = JSON.parse(first.stdout)
    const cardFolder = report.destinations[0].cardFolder as string
    const manifest = await readManifest(cardFolder)
    const stickFiles = (await filesUnder(stick.mountPoint)).map((name) => name.split(path.sep).join('/'))
    expect([...manifest.keys()].sort()).toEqual([...stickFiles].sort())
    for (const file of stickFiles)
      expect(await hashFile(path.join(cardFolder, file))).toBe(
        await hashFile(path.join(stick.mountPoint, file)),
      )
    const again = JSON.parse(run('backup', stick.mountPoint, '--to', target, '--json').stdout)
    expect(again).toMatchObject({ copied: 0, skipped: report.filesTotal })
    expect(await isCaseInsensitiveFolder(path.join(stick.mountPoint, 'photos'))).toBe(true)
  })
})

describe('a drive that refuses a file as too large only while it is written (EFBIG)', () => {
  it('drops that file there by name and goes on with the others on the same drive', async () => {
    // Where the file system could not be read first (macOS, Windows), FAT32 answers EFBIG mid-copy. The
    // process's own file size limit (prlimit) gives the same answer from any drive.
    if (spawnSync('sh', ['-c', 'command -v prlimit']).status !== 0)
      throw new Error('This test needs prlimit (Debian: util-linux)')
    const limitedCard = path.join(dir, 'EFBIGCARD')
    await writeCardFixture(limitedCard, { nights: 1, perNight: 3, photoKb: 20, odd: false })
    await fsp.writeFile(path.join(limitedCard, 'photos', 'video.mp4'), Buffer.alloc(600 * 1024, 7))
    const target = path.join(dir, 'EFBIGDRIVE')
    await fsp.mkdir(target)
    const result = spawnSync(
      'prlimit',
      [`--fsize=${400 * 1024}`, process.execPath, cli, 'backup', limitedCard, '--to', target, '--json'],
      {
        encoding: 'utf8',
      },
    )
    expect(result.status).toBe(3)
    const destination = JSON.parse(result.stdout).destinations[0]
    expect(destination.error).toBeUndefined()
    expect(destination.failed).toEqual([
      expect.objectContaining({ path: 'photos/video.mp4', code: 'FILE_TOO_LARGE_FOR_DRIVE' }),
    ])
    const cardFiles = await filesUnder(limitedCard)
    expect(destination.copied).toBe(cardFiles.length - 1)
    const onDrive = await filesUnder(destination.cardFolder)
    expect(onDrive.filter((name) => name.includes('video.mp4'))).toEqual([])
  })
})
