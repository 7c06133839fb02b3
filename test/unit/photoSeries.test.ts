import { describe, expect, it } from 'vitest'
import { groupSeries } from '../../src/shared/photos.js'
import type { CatalogPhoto } from '../../src/shared/storage.js'

const photo = (name: string, capturedAt: string, folder = 'photos/2024-09-01'): CatalogPhoto => ({
  path: `${folder}/${name}`,
  size: 1000,
  mtimeMs: 0,
  capturedAt,
  captureOrigin: 'filename',
  date: capturedAt.slice(0, 10),
  night: '2024-09-01',
  companions: [],
  flags: [],
})

const names = (tiles: ReturnType<typeof groupSeries>) =>
  tiles.map((tile) => tile.photos.map((p) => p.path.slice(p.path.lastIndexOf('/') + 1)))

describe('groupSeries', () => {
  it('makes one tile of an HDR triplet and of a focus bracket, and leaves single shots alone', () => {
    const tiles = groupSeries([
      photo('box_2024_09_01__21_00_00_HDR0.jpg', '2024-09-01T21:00:00'),
      photo('box_2024_09_01__21_00_02_HDR1.jpg', '2024-09-01T21:00:02'),
      photo('box_2024_09_01__21_00_04_HDR2.jpg', '2024-09-01T21:00:04'),
      photo('IMG_0001.jpg', '2024-09-01T21:30:00'),
      photo('ManFocus_box_2024_09_01__22_00_00_FB0.jpg', '2024-09-01T22:00:00'),
      photo('ManFocus_box_2024_09_01__22_00_02_FB1.jpg', '2024-09-01T22:00:02'),
      photo('ManFocus_box_2024_09_01__22_00_04_FB2.jpg', '2024-09-01T22:00:04'),
      photo('ManFocus_box_2024_09_01__22_00_06_FB3.jpg', '2024-09-01T22:00:06'),
    ])
    expect(tiles.map((tile) => tile.photos.length)).toEqual([3, 1, 4])
  })

  it('starts a new tile when a frame is missing, far apart in time, or in another folder', () => {
    const tiles = groupSeries([
      // HDR1 lost to a power cut: HDR2 is not part of HDR0's series.
      photo('box_2024_09_01__21_00_00_HDR0.jpg', '2024-09-01T21:00:00'),
      photo('box_2024_09_01__21_00_04_HDR2.jpg', '2024-09-01T21:00:04'),
      photo('box_2024_09_01__23_00_00_HDR0.jpg', '2024-09-01T23:00:00'),
      photo('box_2024_09_01__23_10_00_HDR1.jpg', '2024-09-01T23:10:00'),
      photo('box_2024_09_02__01_00_00_HDR0.jpg', '2024-09-02T01:00:00'),
      photo('box_2024_09_02__01_00_02_HDR1.jpg', '2024-09-02T01:00:02', 'photos/2024-09-02'),
    ])
    expect(names(tiles).map((tile) => tile.length)).toEqual([1, 1, 1, 1, 1, 1])
  })
})
