import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCompanion, type Companion } from '../../src/core/companion.js'
import { dispatchCommand } from '../../src/core/dispatch.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { connectCompanion } from '../../src/renderer/src/bridge/companion.js'
import {
  configurePhotoImages,
  photoImageUrl,
  photoOriginalUrl,
} from '../../src/renderer/src/bridge/photoImages.js'
import type { CompanionBridge } from '../../src/shared/bridge.js'
import type { NightPhotos } from '../../src/shared/photos.js'

let dir: string
let card: string
let companion: Companion

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'photo-bridge-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 1, perNight: 4, photoKb: 300 })).root
  companion = await createCompanion({ dataDir: path.join(dir, 'data') })
  // What Electron's preload and registerIpc do: every call goes through the one dispatcher.
  const bridge: CompanionBridge = {
    invoke: ((name: string, input: unknown) =>
      dispatchCommand(companion.handlers, name, input)) as CompanionBridge['invoke'],
    subscribe: () => () => undefined,
  }
  connectCompanion(bridge)
})
afterAll(async () => {
  await companion.close()
  await fsp.rm(dir, { recursive: true, force: true })
})

/** The fixture's first night, as the Photos screen asks for it through the contract. */
async function firstNight(): Promise<NightPhotos> {
  const outcome = await dispatchCommand(companion.handlers, 'photos.night', {
    source: card,
    night: '2024-09-01',
  })
  return (outcome.ok ? outcome.value : undefined) as NightPhotos
}

describe("the renderer's photo images", () => {
  it('come through the contract as data: URLs in the desktop app (no custom protocol, no new CSP source)', async () => {
    configurePhotoImages({ kind: 'contract' })
    const night = await firstNight()
    const photo = night.photos.find((candidate) => candidate.flags.length === 0)
    const image = await photoImageUrl('thumbnail', card, photo?.path as string)
    expect(image.ok).toBe(true)
    const url = image.ok ? image.url : ''
    expect(url.startsWith('data:image/jpeg;base64,')).toBe(true)
    const metadata = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata()
    expect(Math.max(metadata.width ?? 0, metadata.height ?? 0)).toBe(320)

    const empty = night.photos.find((candidate) => candidate.flags.includes('empty'))
    expect(await photoImageUrl('thumbnail', card, empty?.path as string)).toMatchObject({
      ok: false,
      code: 'PHOTO_DAMAGED',
    })
  })

  it("point at serve's image route with the token in a browser", async () => {
    configurePhotoImages({ kind: 'http', token: 'abc' })
    const image = await photoImageUrl('preview', '/media/CARD', 'photos/a b.jpg')
    expect(image).toEqual({
      ok: true,
      url: '/api/photos/preview?source=%2Fmedia%2FCARD&path=photos%2Fa+b.jpg&token=abc',
    })
  })

  it("bring the 100 % original through the contract in the desktop app: the card's own bytes", async () => {
    configurePhotoImages({ kind: 'contract' })
    const night = await firstNight()
    const photo = night.photos.find((candidate) => candidate.flags.length === 0)
    const original = await photoOriginalUrl(card, photo?.path as string)
    const url = original.ok ? original.url : ''
    expect(url.startsWith('data:image/jpeg;base64,')).toBe(true)
    const onCard = await fsp.readFile(path.join(card, photo?.path as string))
    expect(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').equals(onCard)).toBe(true)
    expect(await photoOriginalUrl(card, '../outside.jpg')).toMatchObject({
      ok: false,
      code: 'PATH_OUTSIDE_SOURCE',
    })
    configurePhotoImages({ kind: 'http', token: 'abc' })
    expect(await photoOriginalUrl('/media/CARD', 'photos/a.jpg')).toEqual({
      ok: true,
      url: '/api/photos/original?source=%2Fmedia%2FCARD&path=photos%2Fa.jpg&token=abc',
    })
  })
})
