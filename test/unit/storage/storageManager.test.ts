import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemoryCache } from '../../../src/core/cache/memoryCache.js'
import { writeCardFixture } from '../../../src/core/fixtures/cardFixture.js'
import { LocalSource } from '../../../src/core/sources/localSource.js'
import type { SourceFile } from '../../../src/core/sources/photoSource.js'
import { readManifest } from '../../../src/core/storage/manifest.js'
import { StorageManager } from '../../../src/core/storage/storageManager.js'

let dir: string
let card: string
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'manager-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 5, photoKb: 20, odd: false }))
    .root
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

/** A card whose walks and file reads are counted, to see what a cached answer really costs. */
async function countingSource() {
  const source = await LocalSource.open(card)
  const counts = { walks: 0, reads: 0 }
  const list = source.list.bind(source)
  const readRange = source.readRange.bind(source)
  // A walk starts by listing the root: each root listing is one walk of the card.
  source.list = (folder: string): Promise<{ files: SourceFile[]; folders: string[] }> => {
    if (folder === '') counts.walks += 1
    return list(folder)
  }
  source.readRange = (filePath: string, start: number, length: number) => {
    counts.reads += 1
    return readRange(filePath, start, length)
  }
  return { source, counts }
}

describe('StorageManager.getStorageStats', () => {
  it('answers again for an unchanged card without walking it or opening a photo', async () => {
    const { source, counts } = await countingSource()
    const manager = new StorageManager(source, new MemoryCache())
    const first = await manager.getStorageStats()
    const after = { ...counts }
    const second = await manager.getStorageStats()
    expect(second).toEqual(first)
    expect(counts).toEqual(after)
  })

  it('counts a photo added to a night folder since the last answer', async () => {
    const { source } = await countingSource()
    const manager = new StorageManager(source, new MemoryCache())
    const before = await manager.getStorageStats()
    const night = path.join(card, path.dirname((await manager.getCatalog()).photos[0]?.path ?? ''))
    const added = path.join(night, 'adeptTurca_2024_09_01__23_59_59_HDR0.jpg')
    await fsp.copyFile(path.join(card, (await manager.getCatalog()).photos[0]?.path ?? ''), added)
    const after = await manager.getStorageStats()
    expect(after.photos.count).toBe(before.photos.count + 1)
  })
})

describe('StorageManager.backupPhotos run again on an unchanged card', () => {
  it('opens no photo of the card: the manifest and one listing of the drive decide', async () => {
    const source = await LocalSource.open(card)
    const opened: string[] = []
    for (const method of ['openReader', 'createReadStream', 'readRange'] as const) {
      const original = (source[method] as (...args: unknown[]) => unknown).bind(source)
      ;(source as unknown as Record<string, unknown>)[method] = (file: string, ...rest: unknown[]) => {
        opened.push(file)
        return original(file, ...rest)
      }
    }
    const drive = path.join(dir, 'DRIVE')
    await fsp.mkdir(drive)
    const manager = new StorageManager(source, new MemoryCache())
    const first = await manager.backupPhotos(drive)
    expect(first.destinations[0]?.copied).toBe(first.filesTotal)
    opened.length = 0
    const again = await manager.backupPhotos(drive)
    expect(again.destinations[0]).toMatchObject({ copied: 0, skipped: first.filesTotal })
    expect(opened).toEqual([])
  })
})

describe('StorageManager.backupPhotos after a copy was damaged on the drive', () => {
  it('copies a file again whose copy was cut short since it was verified, instead of counting it as backed up', async () => {
    const drive = path.join(dir, 'DRIVE')
    await fsp.mkdir(drive)
    const manager = new StorageManager(await LocalSource.open(card), new MemoryCache())
    const first = await manager.backupPhotos(drive)
    const cardFolder = first.destinations[0]?.cardFolder as string
    const photo = (await manager.getCatalog()).photos.find((p) => p.size > 100)?.path as string
    await fsp.truncate(path.join(cardFolder, photo), 10)
    const again = await manager.backupPhotos(drive)
    expect(again.destinations[0]).toMatchObject({ copied: 1, skipped: first.filesTotal - 1 })
    expect(await fsp.readFile(path.join(cardFolder, photo))).toEqual(
      await fsp.readFile(path.join(card, photo)),
    )
  })
})

describe('StorageManager.backupPhotos when a different photo takes an old photo’s name', () => {
  it('keeps the drive’s verified copy of the earlier photo beside the new one, never overwriting it', async () => {
    const drive = path.join(dir, 'DRIVE')
    await fsp.mkdir(drive)
    const manager = new StorageManager(await LocalSource.open(card), new MemoryCache())
    const first = await manager.backupPhotos(drive)
    const cardFolder = first.destinations[0]?.cardFolder as string
    const [photo, other] = (await manager.getCatalog()).photos.filter((p) => p.size > 100).map((p) => p.path)
    const earlierBytes = await fsp.readFile(path.join(card, photo as string))
    // The earlier photo was cleaned off the card; a camera that restarted its numbering reuses the name.
    await fsp.copyFile(path.join(card, other as string), path.join(card, photo as string))
    const again = await manager.backupPhotos(drive)
    expect(again.destinations[0]?.copied).toBe(1)
    expect(await fsp.readFile(path.join(cardFolder, photo as string))).toEqual(
      await fsp.readFile(path.join(card, photo as string)),
    )
    const folder = path.dirname(path.join(cardFolder, photo as string))
    const kept = (await fsp.readdir(folder)).filter((name) => name.includes('.earlier-'))
    expect(kept).toHaveLength(1)
    expect(await fsp.readFile(path.join(folder, kept[0] as string))).toEqual(earlierBytes)
    const manifest = await readManifest(cardFolder)
    expect([...manifest.keys()].filter((key) => key.includes('.earlier-'))).toHaveLength(1)
  })
})
