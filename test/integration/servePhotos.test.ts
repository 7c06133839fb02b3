import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServeServer, type ServeServer } from '../../src/cli/serve/httpServer.js'
import { createCompanion, type Companion } from '../../src/core/companion.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import type { JobSnapshot } from '../../src/shared/jobs.js'
import type {
  NightPhotos,
  PhotoDetails,
  ThumbnailCacheUsage,
  ThumbnailsResult,
} from '../../src/shared/photos.js'
import type { Settings } from '../../src/shared/settings.js'
import { filesUnder } from '../support/filesUnder.js'

const TOKEN = 'test-token-photos-0123456789'
const bearer = { Authorization: `Bearer ${TOKEN}` }
const NIGHT = '2024-09-01'

let dir: string
let card: string
let dataDir: string
let companion: Companion
let serve: ServeServer
let base: string

async function start(): Promise<void> {
  companion = await createCompanion({ dataDir })
  serve = createServeServer({
    handlers: companion.handlers,
    openPhotoOriginal: companion.openPhotoOriginal,
    subscribe: companion.subscribe,
    settings: () => companion.settings.get(),
    token: TOKEN,
    rendererDir: undefined,
    defaultSource: card,
  })
  base = `http://127.0.0.1:${(await serve.listen(0, '127.0.0.1')).port}`
}
async function stop(): Promise<void> {
  await serve.close()
  await companion.close()
}

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-photos-'))
  card = (
    await writeCardFixture(path.join(dir, 'CARD'), {
      nights: 2,
      perNight: 9,
      photoKb: 120,
      embeddedPreviews: 'some',
    })
  ).root
  // A sidecar as Mothbox writes one beside its photo.
  const [photo] = (await filesUnder(card)).filter(
    (file) => file.endsWith('_HDR0.jpg') && file.includes('__2'),
  )
  await fsp.writeFile(
    path.join(card, `${photo}.json`),
    JSON.stringify({ deviceName: 'adeptTurca', exposureTimeUs: 500, lensPosition: 6.5 }),
  )
  dataDir = path.join(dir, 'data')
  await start()
})
afterAll(async () => {
  await stop()
  await fsp.rm(dir, { recursive: true, force: true })
})

const command = async <T>(name: string, input: unknown): Promise<T> => {
  const response = await fetch(`${base}/api/commands/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer },
    body: JSON.stringify(input),
  })
  const body = (await response.json()) as { ok: boolean; value: T; error?: unknown }
  expect(body.ok, JSON.stringify(body.error)).toBe(true)
  return body.value
}
const image = (
  kind: 'thumbnail' | 'preview' | 'original',
  photo: string,
  headers: Record<string, string> = bearer,
) =>
  fetch(`${base}/api/photos/${kind}?source=${encodeURIComponent(card)}&path=${encodeURIComponent(photo)}`, {
    headers,
  })
const nightPhotos = () => command<NightPhotos>('photos.night', { source: card, night: NIGHT })

describe('photos over serve', () => {
  it("lists a night's photos in capture order, damaged ones flagged", async () => {
    const night = await nightPhotos()
    expect(night.photos.length).toBeGreaterThan(9)
    expect(night.photos.every((photo) => photo.night === NIGHT)).toBe(true)
    const times = night.photos.map((photo) => photo.capturedAt)
    expect(times).toEqual([...times].sort())
    // The empty photo is flagged from its size at once; a cut-off one once the damage check has read it.
    expect(night.photos.some((photo) => photo.flags.includes('empty'))).toBe(true)
    const empty = await command<NightPhotos>('photos.night', { source: card, night: '2030-01-01' })
    expect(empty.photos).toEqual([])
  })

  it('sends a thumbnail as a 320 px JPEG with an ETag, private caching and a 304 when unchanged', async () => {
    const [photo] = (await nightPhotos()).photos.filter((p) => p.flags.length === 0)
    const first = await image('thumbnail', photo?.path as string)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('image/jpeg')
    expect(first.headers.get('cache-control')).toContain('private')
    const etag = first.headers.get('etag') as string
    expect(etag).toMatch(/^".+"$/)
    const metadata = await sharp(Buffer.from(await first.arrayBuffer())).metadata()
    expect(Math.max(metadata.width ?? 0, metadata.height ?? 0)).toBe(320)

    const again = await image('thumbnail', photo?.path as string, { ...bearer, 'If-None-Match': etag })
    expect(again.status).toBe(304)
    // An <img> cannot send a header: the token in the address works as for the event stream.
    const url = `${base}/api/photos/thumbnail?path=${encodeURIComponent(photo?.path as string)}&token=${TOKEN}`
    expect((await fetch(url)).status).toBe(200)
    expect((await image('thumbnail', photo?.path as string, {})).status).toBe(401)

    const preview = await image('preview', photo?.path as string)
    expect(preview.status).toBe(200)
    expect((await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).format).toBe('jpeg')
  })

  it('answers 404 outside the card and for what is not a photo, 422 for a damaged photo, 400 without a path', async () => {
    const empty = (await nightPhotos()).photos.find((photo) => photo.flags.includes('empty'))
    const damaged = await image('thumbnail', empty?.path as string)
    expect(damaged.status).toBe(422)
    expect(((await damaged.json()) as { error: { code: string } }).error.code).toBe('PHOTO_DAMAGED')
    expect((await image('thumbnail', '../../etc/passwd.jpg')).status).toBe(404)
    expect((await image('preview', '/etc/hostname.jpg')).status).toBe(404)
    expect((await image('thumbnail', 'camera_settings.csv')).status).toBe(404)
    expect((await image('thumbnail', 'photos/not-there.jpg')).status).toBe(404)
    expect((await image('thumbnail', '')).status).toBe(400)
  })

  it("shows a photo's EXIF and sidecar", async () => {
    const nights = await Promise.all(
      [NIGHT, '2024-09-02'].map((night) => command<NightPhotos>('photos.night', { source: card, night })),
    )
    const withSidecar = nights.flatMap((night) => night.photos).find((photo) => photo.companions.length > 0)
    expect(withSidecar).toBeDefined()
    const details = await command<PhotoDetails>('photos.details', { source: card, path: withSidecar?.path })
    expect(details.exif).toMatchObject({ make: 'MothboxV3', model: 'Arducam64mp' })
    expect(details.sidecar).toMatchObject({ deviceName: 'adeptTurca', exposureTimeUs: 500 })
  })

  it('keeps marks per card in the app data across a restart, and never writes to the card', async () => {
    const cardBefore = await filesUnder(card)
    const [first, second] = (await nightPhotos()).photos
    await command('photos.setMark', { source: card, path: first?.path, mark: 'star' })
    await command('photos.setMark', { source: card, path: second?.path, mark: 'reject' })
    await command('photos.setMark', { source: card, path: second?.path, mark: null })
    await stop()
    await start()
    expect((await nightPhotos()).marks).toEqual({ [first?.path as string]: 'star' })
    expect(await filesUnder(card)).toEqual(cardBefore)
  })

  it("makes a night's thumbnails as a job, with progress and a typed outcome", async () => {
    const job = await command<JobSnapshot>('photos.makeThumbnails', { source: card, night: '2024-09-02' })
    expect(job.kind).toBe('thumbnails')
    let done: JobSnapshot | null = null
    await expect
      .poll(async () => (done = await command<JobSnapshot | null>('jobs.get', { id: job.id }))?.status, {
        timeout: 20_000,
      })
      .toBe('completed')
    const finished = done as unknown as JobSnapshot
    const result = finished.result as ThumbnailsResult
    expect(finished.outcome).toBe('success')
    expect(result.fromPreview + result.decoded + result.cached).toBe(result.photos)
    expect(finished.progress.filesDone).toBe(result.photos)
  })

  it("streams the original for the 100 % zoom: the card's own bytes, with an ETag and private caching", async () => {
    const [photo] = (await nightPhotos()).photos.filter((p) => p.flags.length === 0)
    const onCard = await fsp.readFile(path.join(card, photo?.path as string))
    const first = await image('original', photo?.path as string)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('image/jpeg')
    expect(first.headers.get('content-length')).toBe(String(onCard.length))
    expect(first.headers.get('cache-control')).toContain('private')
    expect(Buffer.from(await first.arrayBuffer()).equals(onCard)).toBe(true)
    const etag = first.headers.get('etag') as string
    expect(etag).toMatch(/^".+"$/)
    expect(
      (await image('original', photo?.path as string, { ...bearer, 'If-None-Match': etag })).status,
    ).toBe(304)
    const url = `${base}/api/photos/original?path=${encodeURIComponent(photo?.path as string)}&token=${TOKEN}`
    expect((await fetch(url)).status).toBe(200)
    expect((await image('original', photo?.path as string, {})).status).toBe(401)
  })

  it('refuses an original outside the card (404), an empty one (422) and a request without a path (400)', async () => {
    const empty = (await nightPhotos()).photos.find((photo) => photo.flags.includes('empty'))
    const damaged = await image('original', empty?.path as string)
    expect(damaged.status).toBe(422)
    expect(((await damaged.json()) as { error: { code: string } }).error.code).toBe('PHOTO_DAMAGED')
    expect((await image('original', '../../etc/passwd.jpg')).status).toBe(404)
    expect((await image('original', '/etc/hostname.jpg')).status).toBe(404)
    expect((await image('original', 'camera_settings.csv')).status).toBe(404)
    expect((await image('original', 'photos/not-there.jpg')).status).toBe(404)
    expect((await image('original', '')).status).toBe(400)
  })

  it('never follows a photo-named link on the card to a file elsewhere on this computer', async () => {
    const secret = path.join(dir, 'private-notes.jpg')
    await fsp.writeFile(secret, 'not for the browser')
    const link = `${NIGHT}/linked_2024_09_01__23_00_00.jpg`
    await fsp.mkdir(path.join(card, NIGHT), { recursive: true })
    await fsp.symlink(secret, path.join(card, link))
    try {
      for (const kind of ['original', 'preview', 'thumbnail'] as const) {
        const answer = await image(kind, link)
        expect(answer.status, kind).toBe(404)
        expect(await answer.text(), kind).not.toContain('not for the browser')
      }
    } finally {
      await fsp.rm(path.join(card, link))
    }
  })

  it('shows the space the thumbnail cache uses, and lowering its bound evicts the least recently used at once', async () => {
    await command<Settings>('settings.update', { preferences: { daysToKeep: 7 } })
    // 40 old images of 1 MiB, as a season of previews leaves them, and one thumbnail used just now.
    await stop()
    const old = Date.now() / 1000 - 86_400
    const fakeKeys = Array.from({ length: 40 }, (_, index) => `ff${String(index).padStart(38, '0')}`)
    await fsp.mkdir(path.join(dataDir, 'thumbnails', 'ff'), { recursive: true })
    for (const [index, key] of fakeKeys.entries()) {
      const file = path.join(dataDir, 'thumbnails', 'ff', `${key}.jpg`)
      await fsp.writeFile(file, Buffer.alloc(1024 * 1024))
      await fsp.utimes(file, old + index, old + index)
    }
    await start()
    const [photo] = (await nightPhotos()).photos.filter((p) => p.flags.length === 0)
    const recent = (await image('thumbnail', photo?.path as string)).headers.get('etag')?.replaceAll('"', '')
    const before = await command<ThumbnailCacheUsage>('photos.cacheUsage', {})
    expect(before.bytes).toBeGreaterThan(40 * 1024 * 1024)
    expect(before.maxBytes).toBe(2048 * 1024 * 1024)

    const settings = await command<Settings>('settings.update', { preferences: { thumbnailCacheMb: 16 } })
    // The patch named one preference: the others stay as they were.
    expect(settings.preferences).toMatchObject({ thumbnailCacheMb: 16, daysToKeep: 7 })
    const after = await command<ThumbnailCacheUsage>('photos.cacheUsage', {})
    expect(after.maxBytes).toBe(16 * 1024 * 1024)
    expect(after.bytes).toBeLessThanOrEqual(16 * 1024 * 1024)
    const kept = new Set(
      (await filesUnder(path.join(dataDir, 'thumbnails'))).map((file) => path.basename(file, '.jpg')),
    )
    expect(kept.has(recent as string)).toBe(true)
    expect(kept.has(fakeKeys[0] as string)).toBe(false)
    expect(kept.has(fakeKeys[39] as string)).toBe(true)
    const onDisk = JSON.parse(await fsp.readFile(path.join(dataDir, 'settings.json'), 'utf8')) as Settings
    expect(onDisk.preferences).toMatchObject({ thumbnailCacheMb: 16, daysToKeep: 7 })
  })
})
