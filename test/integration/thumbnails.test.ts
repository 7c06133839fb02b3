import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { PREVIEW_HEAD_BYTES } from '../../src/core/photos/embeddedPreview.js'
import { makeThumbnails, thumbnailOrder } from '../../src/core/photos/makeThumbnails.js'
import { PhotoImages } from '../../src/core/photos/photoImages.js'
import { ThumbnailCache } from '../../src/core/photos/thumbnailCache.js'
import { LocalSource } from '../../src/core/sources/localSource.js'
import { buildCatalog } from '../../src/core/storage/catalog.js'
import { filesUnder } from '../support/filesUnder.js'
import { recordingSource } from '../support/recordingSource.js'

let dir: string
let withPreviews: string
let withoutPreviews: string
let mixed: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'thumbs-'))
  const card = (name: string, embeddedPreviews: 'none' | 'some' | 'all') =>
    writeCardFixture(path.join(dir, name), {
      nights: 1,
      perNight: 9,
      photoKb: 300,
      embeddedPreviews,
      odd: false,
    })
  withPreviews = (await card('PREVIEWS', 'all')).root
  withoutPreviews = (await card('PLAIN', 'none')).root
  mixed = (await card('MIXED', 'some')).root
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

const photosOf = async (root: string) =>
  (await filesUnder(root))
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => /_(HDR|FB)\d\.jpg$/.test(file))
    .sort()

async function expectThumbnailJpeg(data: Buffer): Promise<void> {
  const metadata = await sharp(data).metadata()
  expect(metadata.format).toBe('jpeg')
  expect(Math.max(metadata.width ?? 0, metadata.height ?? 0)).toBe(320)
}

const newImages = (cacheDir: string, maxBytes = 2 * 1024 ** 3) =>
  new PhotoImages(new ThumbnailCache(cacheDir, () => maxBytes))

describe('thumbnails of a card', () => {
  it('takes the embedded EXIF preview from the first bytes of a photo that has one', async () => {
    const source = await LocalSource.open(withPreviews)
    const { source: recorded, reads } = recordingSource(source, { asBox: true })
    const images = newImages(path.join(dir, 'cache-previews'))
    const [photo] = await photosOf(withPreviews)
    const image = await images.image(recorded, 'card', photo as string, 'thumbnail')
    expect(image.origin).toBe('embedded')
    await expectThumbnailJpeg(image.data)
    expect(reads.every((read) => !read.whole && read.bytes <= PREVIEW_HEAD_BYTES)).toBe(true)
    const { size } = await fsp.stat(path.join(withPreviews, photo as string))
    expect(size).toBeGreaterThan(PREVIEW_HEAD_BYTES * 3)
  })

  it('decodes a photo without a preview, from a path on a card and from bytes pulled from a box', async () => {
    const source = await LocalSource.open(withoutPreviews)
    const [first, second] = await photosOf(withoutPreviews)
    const images = newImages(path.join(dir, 'cache-plain'))
    const fromCard = await images.image(source, 'card', first as string, 'thumbnail')
    expect(fromCard.origin).toBe('decoded')
    await expectThumbnailJpeg(fromCard.data)

    const { source: likeABox, reads } = recordingSource(source, { asBox: true })
    const pulled = await images.image(likeABox, 'card', second as string, 'thumbnail')
    expect(pulled.origin).toBe('decoded')
    await expectThumbnailJpeg(pulled.data)
    expect(reads.filter((read) => read.whole)).toHaveLength(1)
  })

  it('uses both paths on a card where only some photos carry a preview', async () => {
    const source = await LocalSource.open(mixed)
    const images = newImages(path.join(dir, 'cache-mixed'))
    const origins = new Set<string>()
    for (const photo of await photosOf(mixed)) {
      const image = await images.image(source, 'card', photo, 'thumbnail')
      await expectThumbnailJpeg(image.data)
      origins.add(image.origin)
    }
    expect([...origins].sort()).toEqual(['decoded', 'embedded'])
  })

  it('makes a screen-sized preview, never larger than the photo', async () => {
    const source = await LocalSource.open(withPreviews)
    const [photo] = await photosOf(withPreviews)
    const image = await newImages(path.join(dir, 'cache-large')).image(
      source,
      'c',
      photo as string,
      'preview',
    )
    const original = await sharp(path.join(withPreviews, photo as string)).metadata()
    const metadata = await sharp(image.data).metadata()
    expect(metadata.format).toBe('jpeg')
    expect(metadata.width).toBe(original.width)
  })

  it('finds its thumbnails again after a restart instead of making them again', async () => {
    const cacheDir = path.join(dir, 'cache-restart')
    const source = await LocalSource.open(withoutPreviews)
    const photos = await photosOf(withoutPreviews)
    const made = await Promise.all(
      photos.map((photo) => newImages(cacheDir).image(source, 'card', photo, 'thumbnail')),
    )
    expect(made.every((image) => image.origin === 'decoded')).toBe(true)

    const afterRestart = newImages(cacheDir)
    for (const [index, photo] of photos.entries()) {
      const image = await afterRestart.image(source, 'card', photo, 'thumbnail')
      expect(image.origin).toBe('cache')
      expect(image.data.equals(made[index]?.data as Buffer)).toBe(true)
      expect(image.etag).toBe(made[index]?.etag)
    }
    // Another card under the same path, or a changed photo, is never served this card's thumbnail.
    expect((await afterRestart.image(source, 'other card', photos[0] as string, 'thumbnail')).origin).toBe(
      'decoded',
    )
    const changed = path.join(withoutPreviews, photos[1] as string)
    const later = new Date(Date.now() + 60_000)
    await fsp.utimes(changed, later, later)
    expect((await afterRestart.image(source, 'card', photos[1] as string, 'thumbnail')).origin).toBe(
      'decoded',
    )
  })

  it('evicts the least recently used thumbnails beyond its bound, also across a restart', async () => {
    const cacheDir = path.join(dir, 'cache-bound')
    const source = await LocalSource.open(withoutPreviews)
    const photos = await photosOf(withoutPreviews)
    const sizes = await Promise.all(
      photos.map(
        async (photo) =>
          (await newImages(path.join(dir, 'probe')).image(source, 'c', photo, 'thumbnail')).data.length,
      ),
    )
    const bound = Math.max(...sizes) * 4
    const images = newImages(cacheDir, bound)
    const [kept, ...others] = photos as [string, ...string[]]
    await images.image(source, 'card', kept, 'thumbnail')
    for (const photo of others) {
      await images.image(source, 'card', photo, 'thumbnail')
      // The first photo stays in use (on screen), so it is never the least recently used.
      expect((await images.image(source, 'card', kept, 'thumbnail')).origin).toBe('cache')
    }
    const onDisk = (await filesUnder(cacheDir)).filter((file) => file.endsWith('.jpg'))
    const bytes = (await Promise.all(onDisk.map((file) => fsp.stat(path.join(cacheDir, file))))).reduce(
      (sum, stats) => sum + stats.size,
      0,
    )
    expect(bytes).toBeLessThanOrEqual(bound)
    expect(onDisk.length).toBeLessThan(photos.length)

    const afterRestart = newImages(cacheDir, bound)
    expect((await afterRestart.image(source, 'card', kept, 'thumbnail')).origin).toBe('cache')
    expect((await afterRestart.image(source, 'card', others[0] as string, 'thumbnail')).origin).toBe(
      'decoded',
    )
  })

  it('refuses damaged photos, paths outside the card and files that are not photos, with clear codes', async () => {
    const fixture = await writeCardFixture(path.join(dir, 'ODD'), { nights: 1, perNight: 3, odd: true })
    const source = await LocalSource.open(fixture.root)
    const images = newImages(path.join(dir, 'cache-odd'))
    const all = (await filesUnder(fixture.root)).map((file) => file.split(path.sep).join('/'))
    const sizes = await Promise.all(
      all.map(async (file) => (await fsp.stat(path.join(fixture.root, file))).size),
    )
    const empty = all.find((file, index) => file.endsWith('.jpg') && sizes[index] === 0) as string
    await expect(images.image(source, 'c', empty, 'thumbnail')).rejects.toMatchObject({
      code: 'PHOTO_DAMAGED',
    })
    const truncated = all.find((file) => file.endsWith('_HDR1.jpg') && file.includes('22_31_51')) as string
    await expect(images.image(source, 'c', truncated, 'thumbnail')).rejects.toMatchObject({
      code: 'PHOTO_DAMAGED',
    })
    await expect(images.image(source, 'c', '../PLAIN/photos/x.jpg', 'thumbnail')).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_SOURCE',
    })
    await expect(images.image(source, 'c', 'camera_settings.csv', 'thumbnail')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(images.image(source, 'c', 'photos/none.jpg', 'thumbnail')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})

describe('the thumbnail job', () => {
  it('stops when cancelled, keeping the thumbnails it made, and goes on from them next time', async () => {
    const source = await LocalSource.open(withoutPreviews)
    const cacheDir = path.join(dir, 'cache-cancel')
    const catalog = await buildCatalog(source)
    const photos = thumbnailOrder(catalog.photos)
    const controller = new AbortController()
    const progress: number[] = []
    const run = makeThumbnails(source, 'card', photos, newImages(cacheDir), {
      signal: controller.signal,
      onProgress: (update) => {
        progress.push(update.filesDone ?? 0)
        if ((update.filesDone ?? 0) >= 3) controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(progress[0]).toBe(0)
    const made = (await filesUnder(cacheDir)).filter((file) => file.endsWith('.jpg')).length
    expect(made).toBeGreaterThanOrEqual(3)
    expect(made).toBeLessThan(photos.length)

    const again = await makeThumbnails(source, 'card', photos, newImages(cacheDir))
    expect(again).toMatchObject({ photos: photos.length, cached: made, decoded: photos.length - made })
  })
})
