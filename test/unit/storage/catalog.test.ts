import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CatalogSchema, type Catalog } from '../../../src/shared/storage.js'
import type { JobProgressUpdate } from '../../../src/shared/jobs.js'
import {
  ODD_PHOTO_NAMES,
  writeCardFixture,
  type CardFixture,
} from '../../../src/core/fixtures/cardFixture.js'
import { LocalSource } from '../../../src/core/sources/localSource.js'
import type { PhotoSource } from '../../../src/core/sources/photoSource.js'
import { buildCatalog, isCompanionAppFile } from '../../../src/core/storage/catalog.js'
import { exifCaptureTime, photoFlagsOf } from '../../../src/core/storage/captureTime.js'

const temps: string[] = []
const tempDir = async (): Promise<string> => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'creaturebox-catalog-'))
  temps.push(dir)
  return dir
}
afterAll(async () => {
  await Promise.all(temps.map((dir) => fsp.rm(dir, { recursive: true, force: true })))
})

const smallCard = async (options: Parameters<typeof writeCardFixture>[1] = {}): Promise<CardFixture> =>
  writeCardFixture(await tempDir(), { nights: 2, perNight: 6, photoKb: 8, ...options })

describe('buildCatalog on a generated card', () => {
  let card: CardFixture
  let catalog: Catalog
  const photoNamed = (name: string) =>
    catalog.photos.find((photo) => path.posix.basename(photo.path) === name)

  beforeAll(async () => {
    card = await writeCardFixture(await tempDir(), { nights: 3, perNight: 12, photoKb: 16 })
    catalog = await buildCatalog(new LocalSource(card.root))
  })

  it('finds every photo, and describes it in the shape the contract promises', () => {
    expect(catalog.photos).toHaveLength(card.photos)
    expect(() => CatalogSchema.parse(catalog)).not.toThrow()
    expect(catalog.sourceId).toBe(`local:${card.root}`)
    expect(catalog.deviceName).toBe('adeptTurca')
  })

  it('attaches each sidecar to its photo and nowhere else', () => {
    const sidecars = card.files.filter((file) => file.endsWith('.jpg.json'))
    expect(sidecars.length).toBeGreaterThan(0)
    for (const sidecar of sidecars) {
      const photo = catalog.photos.find((candidate) => candidate.path === sidecar.slice(0, -'.json'.length))
      expect(photo?.companions).toEqual([sidecar])
    }
    expect(catalog.otherFiles.some((file) => file.path.endsWith('.json'))).toBe(false)
  })

  it('keeps settings and logs as other files', () => {
    const others = catalog.otherFiles.map((file) => file.path)
    expect(others).toEqual(
      expect.arrayContaining([
        'camera_settings.csv',
        'schedule_settings.csv',
        'controls.txt',
        'logs/2024-09-01.log',
      ]),
    )
    expect(others.some((other) => other.endsWith('.jpg'))).toBe(false)
    expect(
      catalog.photos.length +
        catalog.otherFiles.length +
        card.files.filter((f) => f.endsWith('.json')).length,
    ).toBe(card.files.length)
  })

  it('takes the time from the name, else from EXIF, else from the file’s mtime', () => {
    const origins = new Set(catalog.photos.map((photo) => photo.captureOrigin))
    expect([...origins].sort()).toEqual(['exif', 'filename', 'mtime'])
    expect(photoNamed(ODD_PHOTO_NAMES.unicode)).toMatchObject({
      captureOrigin: 'exif',
      capturedAt: '2024-09-02T01:23:45',
      date: '2024-09-02',
      night: '2024-09-01',
    })
    expect(photoNamed(ODD_PHOTO_NAMES.noMetadata)).toMatchObject({
      captureOrigin: 'mtime',
      capturedAt: '2024-09-01T22:45:10',
    })
  })

  it('files a photo taken after midnight under the night before', () => {
    const afterMidnight = catalog.photos.filter((photo) => photo.capturedAt.slice(11) < '12:00:00')
    expect(afterMidnight.length).toBeGreaterThan(0)
    for (const photo of afterMidnight) expect(photo.night < photo.date).toBe(true)
  })

  it('flags the zero-byte and the truncated photo, and no other', () => {
    const flagged = catalog.photos.filter((photo) => photo.flags.length > 0)
    expect(flagged.map((photo) => [path.posix.basename(photo.path), photo.flags])).toEqual([
      ['adeptTurca_2024_09_01__21_13_07_HDR0.jpg', ['empty']],
      ['adeptTurca_2024_09_01__22_31_51_HDR1.jpg', ['corrupt']],
    ])
  })

  it('lists photos in capture order', () => {
    const times = catalog.photos.map((photo) => photo.capturedAt)
    expect(times).toEqual([...times].sort())
  })
})

describe('buildCatalog', () => {
  it('leaves out the Companion’s own files', async () => {
    const card = await smallCard({ odd: false })
    const before = await buildCatalog(new LocalSource(card.root))
    await fsp.writeFile(path.join(card.root, '.creaturebox-organize-journal.json'), '{}')
    await fsp.mkdir(path.join(card.root, '.creaturebox'))
    await fsp.writeFile(path.join(card.root, '.creaturebox', 'state.jpg'), 'x')
    await fsp.writeFile(path.join(card.root, 'photos', 'creaturebox-manifest.jsonl'), '')
    const after = await buildCatalog(new LocalSource(card.root))
    expect(after).toEqual(before)
    expect(isCompanionAppFile('photos/x.jpg.tmp-123-1725225187000')).toBe(true)
    expect(isCompanionAppFile('photos/2024-09-01/x.jpg')).toBe(false)
  })

  it('keeps a sidecar whose photo is gone as an other file', async () => {
    const card = await smallCard({ odd: false })
    const sidecar = card.files.find((file) => file.endsWith('.jpg.json')) as string
    await fsp.rm(path.join(card.root, sidecar.slice(0, -'.json'.length)))
    const catalog = await buildCatalog(new LocalSource(card.root))
    expect(catalog.otherFiles.map((file) => file.path)).toContain(sidecar)
    expect(catalog.photos.flatMap((photo) => photo.companions)).not.toContain(sidecar)
  })

  it('names the card after the device that took most photos', async () => {
    const card = await smallCard({ odd: false, device: 'superDorada' })
    const stray = await writeCardFixture(await tempDir(), {
      nights: 1,
      perNight: 2,
      photoKb: 8,
      device: 'adeptTurca',
    })
    for (const file of stray.files.filter((name) => name.endsWith('.jpg'))) {
      await fsp.cp(path.join(stray.root, file), path.join(card.root, 'photos', path.posix.basename(file)))
    }
    expect((await buildCatalog(new LocalSource(card.root))).deviceName).toBe('superDorada')
  })

  it('reads a flat card as well as a dated one', async () => {
    const card = await smallCard({ layout: 'flat' })
    const catalog = await buildCatalog(new LocalSource(card.root))
    expect(catalog.photos).toHaveLength(card.photos)
    expect(catalog.photos.every((photo) => /^photos\/[^/]+$/.test(photo.path))).toBe(true)
  })

  it('reports progress up to the last photo', async () => {
    const card = await smallCard()
    const updates: JobProgressUpdate[] = []
    await buildCatalog(new LocalSource(card.root), { onProgress: (update) => updates.push(update) })
    expect(updates.at(-1)).toMatchObject({ fraction: 1, filesDone: card.photos, filesTotal: card.photos })
  })

  it('stops when cancelled', async () => {
    const card = await smallCard()
    const controller = new AbortController()
    controller.abort()
    await expect(buildCatalog(new LocalSource(card.root), { signal: controller.signal })).rejects.toThrow()
  })

  it('leaves out a photo removed between listing and reading', async () => {
    const card = await smallCard({ odd: false })
    const local = new LocalSource(card.root)
    const victim = card.files.find((file) => file.endsWith('_HDR0.jpg')) as string
    const source: PhotoSource = Object.assign(Object.create(local) as LocalSource, {
      readRange: async (file: string, start: number, length: number) => {
        if (file === victim) await fsp.rm(path.join(card.root, victim))
        return local.readRange(file, start, length)
      },
    })
    const catalog = await buildCatalog(source)
    expect(catalog.photos).toHaveLength(card.photos - 1)
    expect(catalog.photos.map((photo) => photo.path)).not.toContain(victim)
  })

  it('fails, rather than flag every photo corrupt, when the source itself stops answering', async () => {
    const card = await smallCard({ odd: false })
    const local = new LocalSource(card.root)
    const dropped = () => Promise.reject(Object.assign(new Error('connection lost'), { code: 'ECONNRESET' }))
    // The listing succeeded; then the link dropped, so reads and stats fail alike.
    const source: PhotoSource = Object.assign(Object.create(local) as LocalSource, {
      list: (folder: string) => local.list(folder),
      readRange: dropped,
      stat: dropped,
    })
    await expect(buildCatalog(source)).rejects.toThrow('connection lost')
  })
})

describe('capture time and flags', () => {
  it('flags a zero-byte file empty and an unknown header corrupt', () => {
    expect(photoFlagsOf(0, Buffer.alloc(0))).toEqual(['empty'])
    expect(photoFlagsOf(10, Buffer.from('not a jpeg'))).toEqual(['corrupt'])
  })

  it('accepts PNG and DNG/TIFF headers', () => {
    expect(photoFlagsOf(100, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toEqual([])
    expect(photoFlagsOf(100, Buffer.from('II*\0'))).toEqual([])
    expect(photoFlagsOf(100, Buffer.from([0x4d, 0x4d, 0x00, 0x2a]))).toEqual([])
  })

  it('wants a JPEG to end with its end marker, tolerating zero padding after it', () => {
    const head = Buffer.from([0xff, 0xd8, 0xff, 0xe1])
    expect(photoFlagsOf(100, head, Buffer.from([0x12, 0xff, 0xd9]))).toEqual([])
    expect(photoFlagsOf(100, head, Buffer.from([0xff, 0xd9, 0, 0, 0]))).toEqual([])
    expect(photoFlagsOf(100, head, Buffer.from([0xff, 0xd9, 0x55]))).toEqual(['corrupt'])
  })

  it('finds no EXIF time in broken data instead of throwing', async () => {
    expect(await exifCaptureTime(Buffer.alloc(0))).toBeUndefined()
    expect(await exifCaptureTime(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x20, 1, 2, 3]))).toBeUndefined()
    expect(await exifCaptureTime(Buffer.from('II*\0garbage garbage garbage'))).toBeUndefined()
  })
})
