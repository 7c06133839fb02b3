import fsp from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { PREVIEW_HEAD_BYTES } from '../../src/core/photos/embeddedPreview.js'
import { makeThumbnails, thumbnailOrder } from '../../src/core/photos/makeThumbnails.js'
import { PhotoImages } from '../../src/core/photos/photoImages.js'
import { ThumbnailCache } from '../../src/core/photos/thumbnailCache.js'
import { LocalSource } from '../../src/core/sources/localSource.js'
import { openSource } from '../../src/core/sources/openSource.js'
import type { PhotoSource } from '../../src/core/sources/photoSource.js'
import { buildCatalog } from '../../src/core/storage/catalog.js'
import { StorageManager } from '../../src/core/storage/storageManager.js'
import type { ThumbnailsResult } from '../../src/shared/photos.js'
import { recordingSource } from '../support/recordingSource.js'
import { startSshServer, type SshServer } from '../support/sshServer.js'

let server: SshServer
let card: string
let box: PhotoSource

beforeAll(async () => {
  server = await startSshServer()
  card = (
    await writeCardFixture(path.join(server.dir, 'box', 'photos'), {
      nights: 1,
      perNight: 9,
      photoKb: 400,
      embeddedPreviews: 'some',
      odd: false,
    })
  ).root
  box = await openSource(`sftp://${server.user}@${server.host}:${server.port}${card}`, {
    auth: { privateKeyPath: server.clientKey },
    knownHostsPath: path.join(server.dir, 'known_hosts'),
    confirmNewHostKey: () => true,
  })
})
afterAll(async () => {
  await box?.close()
  await server?.dispose()
})

const imagesIn = (folder: string) =>
  new PhotoImages(new ThumbnailCache(path.join(server.dir, folder), () => 2 * 1024 ** 3))

describe('thumbnails of a box over SFTP', () => {
  it('reads only the head of a photo with a preview, pulls the others once, and makes what a card makes', async () => {
    const { source, reads } = recordingSource(box)
    const photos = thumbnailOrder((await buildCatalog(box)).photos)
    const fromBox = imagesIn('cache-box')
    const fromCard = imagesIn('cache-card')
    const local = await LocalSource.open(card)
    const origins = new Set<string>()
    for (const photo of photos) {
      reads.length = 0
      const image = await fromBox.image(source, 'box', photo.path, 'thumbnail')
      origins.add(image.origin)
      const metadata = await sharp(image.data).metadata()
      expect(metadata.format).toBe('jpeg')
      expect(Math.max(metadata.width ?? 0, metadata.height ?? 0)).toBe(320)
      if (image.origin === 'embedded') {
        expect(reads.every((read) => !read.whole && read.bytes <= PREVIEW_HEAD_BYTES)).toBe(true)
      } else {
        expect(reads.filter((read) => read.whole)).toHaveLength(1)
      }
      // The same photo on the card gives the same thumbnail, byte for byte.
      const same = await fromCard.image(local, 'card', photo.path, 'thumbnail')
      expect(same.data.equals(image.data)).toBe(true)
    }
    expect([...origins].sort()).toEqual(['decoded', 'embedded'])
  })

  it("makes a box's thumbnails as a job, and finds them in the cache the next time", async () => {
    const photos = thumbnailOrder((await buildCatalog(box)).photos)
    const images = imagesIn('cache-job')
    const first = await makeThumbnails(box, 'box', photos, images)
    expect(first.failed).toEqual([])
    expect(first.fromPreview).toBeGreaterThan(0)
    expect(first.decoded).toBeGreaterThan(0)
    const { source, reads } = recordingSource(box)
    const again = await makeThumbnails(source, 'box', photos, images)
    expect(again).toMatchObject({ cached: photos.length, fromPreview: 0, decoded: 0 })
    // Served from the cache: not one byte of a photo read from the box.
    expect(reads).toEqual([])
  })

  it('pulls each photo from the box once while its backup runs: a thumbnail reads the verified copy on the drive', async () => {
    const { source, bytesRead } = recordingSource(box)
    const manager = new StorageManager(source)
    const drive = path.join(server.dir, 'drive-shared')
    await fsp.mkdir(drive)
    const photos = thumbnailOrder((await buildCatalog(box)).photos)
    const images = imagesIn('cache-shared')
    const fromDrive: string[] = []
    let thumbnails: Promise<ThumbnailsResult> | undefined
    const backup = await manager.backupPhotos(drive, {
      // Once the backup has planned, the thumbnail job starts, as the Photos screen would meanwhile.
      onProgress: (progress) => {
        if (thumbnails || progress.filesTotal === undefined) return
        thumbnails = makeThumbnails(source, 'box', photos, images, {
          copyOnDrive: async (file) => {
            const copy = await manager.runningBackup.copyOf(file)
            if (copy) fromDrive.push(file.path)
            return copy
          },
        })
      },
    })
    const made = (await thumbnails) as ThumbnailsResult
    expect(backup.failed).toEqual([])
    expect(made.failed).toEqual([])
    expect(made.decoded).toBeGreaterThan(0)
    // Every photo without an embedded preview was decoded from its verified copy on the drive.
    expect(fromDrive).toHaveLength(made.decoded)
    for (const photo of photos) {
      // The backup's one read, plus at most the head a thumbnail reads for the embedded preview.
      expect(bytesRead.get(photo.path)).toBeGreaterThanOrEqual(photo.size)
      expect(bytesRead.get(photo.path)).toBeLessThanOrEqual(photo.size + PREVIEW_HEAD_BYTES)
    }
  })
})
