import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { dateOf, nightOf } from '../../../src/shared/night.js'
import {
  StorageStatsSchema,
  type Catalog,
  type CatalogPhoto,
  type PhotoFlag,
} from '../../../src/shared/storage.js'
import { writeCardFixture } from '../../../src/core/fixtures/cardFixture.js'
import { LocalSource } from '../../../src/core/sources/localSource.js'
import { buildCatalog } from '../../../src/core/storage/catalog.js'
import { computeStorageStats } from '../../../src/core/storage/storageStats.js'

const volume = { totalBytes: 64_000_000_000, freeBytes: 40_000_000_000, availableBytes: 39_000_000_000 }
const now = new Date('2024-09-10T08:00:00Z')

const photo = (capturedAt: string, size: number, flags: PhotoFlag[] = []): CatalogPhoto => ({
  path: `photos/adeptTurca_${capturedAt}.jpg`,
  size,
  mtimeMs: 0,
  capturedAt,
  captureOrigin: 'filename',
  date: dateOf(capturedAt),
  night: nightOf(capturedAt),
  companions: [],
  flags,
})

const catalogOf = (photos: CatalogPhoto[]): Catalog => ({
  sourceId: 'local:/media/pi/CARD',
  deviceName: 'adeptTurca',
  photos,
  otherFiles: [
    { path: 'camera_settings.csv', size: 250, mtimeMs: 0 },
    { path: 'logs/2024-09-01.log', size: 150, mtimeMs: 0 },
  ],
})

describe('computeStorageStats', () => {
  it('shows a night without photos as a zero between the nights that have some', () => {
    const stats = computeStorageStats(
      catalogOf([
        photo('2024-09-01T21:00:00', 100),
        photo('2024-09-02T03:00:00', 200),
        // The box failed on the nights of 09-02 and 09-03.
        photo('2024-09-04T22:00:00', 300),
        photo('2024-09-05T04:00:00', 400),
      ]),
      volume,
      now,
    )
    expect(stats.nights).toEqual([
      { night: '2024-09-01', count: 2, bytes: 300 },
      { night: '2024-09-02', count: 0, bytes: 0 },
      { night: '2024-09-03', count: 0, bytes: 0 },
      { night: '2024-09-04', count: 2, bytes: 700 },
    ])
    expect(stats.dates).toEqual([
      { date: '2024-09-01', count: 1, bytes: 100 },
      { date: '2024-09-02', count: 1, bytes: 200 },
      { date: '2024-09-03', count: 0, bytes: 0 },
      { date: '2024-09-04', count: 1, bytes: 300 },
      { date: '2024-09-05', count: 1, bytes: 400 },
    ])
  })

  it('totals photos, other files and flagged photos, and spans the captures', () => {
    const stats = computeStorageStats(
      catalogOf([
        photo('2024-09-02T03:00:00', 0, ['empty']),
        photo('2024-09-01T21:00:00', 100, ['corrupt']),
        photo('2024-09-01T23:00:00', 200),
      ]),
      volume,
      now,
    )
    expect(stats).toMatchObject({
      sourceId: 'local:/media/pi/CARD',
      deviceName: 'adeptTurca',
      photos: { count: 3, bytes: 300 },
      otherFiles: { count: 2, bytes: 400 },
      flagged: { empty: 1, corrupt: 1 },
      oldestCapture: '2024-09-01T21:00:00',
      newestCapture: '2024-09-02T03:00:00',
      generatedAt: now.getTime(),
    })
    expect(() => StorageStatsSchema.parse(stats)).not.toThrow()
  })

  it('reports the card’s space as a user can use it', () => {
    const stats = computeStorageStats(catalogOf([]), volume, now)
    expect(stats.volume).toEqual({
      totalBytes: 64_000_000_000,
      usedBytes: 24_000_000_000,
      freeBytes: 39_000_000_000,
    })
  })

  it('has no nights, dates or capture span for a card without photos', () => {
    const stats = computeStorageStats(catalogOf([]), volume, now)
    expect(stats.nights).toEqual([])
    expect(stats.dates).toEqual([])
    expect(stats.oldestCapture).toBeUndefined()
    expect(stats.newestCapture).toBeUndefined()
    expect(stats.photos).toEqual({ count: 0, bytes: 0 })
  })

  it('counts every photo of a generated card in exactly one night', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'creaturebox-stats-'))
    try {
      const card = await writeCardFixture(dir, { nights: 4, perNight: 9, photoKb: 8 })
      const source = new LocalSource(card.root)
      const stats = computeStorageStats(await buildCatalog(source), await source.volume(), now)
      expect(stats.nights.map((night) => night.night)).toEqual([
        '2024-09-01',
        '2024-09-02',
        '2024-09-03',
        '2024-09-04',
      ])
      expect(stats.nights.reduce((sum, night) => sum + night.count, 0)).toBe(card.photos)
      expect(stats.dates.reduce((sum, date) => sum + date.bytes, 0)).toBe(stats.photos.bytes)
      expect(stats.flagged).toEqual({ empty: 1, corrupt: 1 })
    } finally {
      await fsp.rm(dir, { recursive: true, force: true })
    }
  })
})
