import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../../src/core/fixtures/cardFixture.js'
import { LocalSource } from '../../../src/core/sources/localSource.js'
import type { SourceFile } from '../../../src/core/sources/photoSource.js'
import { CatalogIndexStore } from '../../../src/core/storage/catalogIndex.js'
import { CatalogKeeper } from '../../../src/core/storage/catalogKeeper.js'
import { StorageManager } from '../../../src/core/storage/storageManager.js'

const temps: string[] = []
afterAll(async () => {
  await Promise.all(temps.map((dir) => fsp.rm(dir, { recursive: true, force: true })))
})

const EMPTY = 'adeptTurca_2024_09_01__21_13_07_HDR0.jpg'
const TRUNCATED = 'adeptTurca_2024_09_01__22_31_51_HDR1.jpg'
const quiet = { warn: () => undefined }

/** A card, an index folder, and a source whose listings and photo reads are counted, as after a restart. */
async function setup() {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keeper-'))
  temps.push(dir)
  const card = await writeCardFixture(path.join(dir, 'CARD'), { nights: 3, perNight: 8, photoKb: 8 })
  const store = new CatalogIndexStore(path.join(dir, 'index'), quiet)
  const open = async () => {
    const source = await LocalSource.open(card.root)
    const counts = { listed: [] as string[], reads: [] as string[] }
    const list = source.list.bind(source)
    const readRange = source.readRange.bind(source)
    source.list = (folder: string): Promise<{ files: SourceFile[]; folders: string[] }> => {
      counts.listed.push(folder)
      return list(folder)
    }
    source.readRange = (file: string, start: number, length: number) => {
      counts.reads.push(file)
      return readRange(file, start, length)
    }
    return { keeper: new CatalogKeeper(source, store, quiet), counts, source }
  }
  return { dir, card, store, open }
}

/** Folder mtimes move in whole milliseconds at best; set them apart explicitly so a test cannot race. */
const touchFolder = (folder: string, year: number) =>
  fsp.utimes(folder, new Date(year, 0, 1), new Date(year, 0, 1))

describe('CatalogKeeper: a card opened again', () => {
  it('reads no photo whose name carries its time: stats come from names, sizes and mtimes', async () => {
    const { open } = await setup()
    const { keeper, counts } = await open()
    const { catalog } = await keeper.current()
    const named = catalog.photos.filter((photo) => photo.captureOrigin === 'filename')
    expect(named.length).toBeGreaterThan(10)
    expect(counts.reads.filter((read) => named.some((photo) => photo.path === read))).toEqual([])
    // Until the damage check has read them, only emptiness is known.
    expect(named.find((photo) => photo.path.endsWith(EMPTY))).toMatchObject({
      flags: ['empty'],
      checked: true,
    })
    expect(named.find((photo) => photo.path.endsWith(TRUNCATED))).toMatchObject({ flags: [], checked: false })
  })

  it('after a restart, reuses the kept index: no folder listed, no photo read, the same catalog', async () => {
    const { open } = await setup()
    const first = await (await open()).keeper.current()
    const { keeper, counts } = await open()
    const again = await keeper.current()
    expect(counts.listed).toEqual([])
    expect(counts.reads).toEqual([])
    expect(again.catalog).toEqual(first.catalog)
    expect(again.fingerprint).toBe(first.fingerprint)
  })

  it('lists again only the folder whose mtime moved, and sees the photo added there', async () => {
    const { open, card } = await setup()
    const before = await (await open()).keeper.current()
    const night = path.join(card.root, 'photos', '2024-09-02')
    const source = path.join(
      night,
      (await fsp.readdir(night)).find((name) => name.endsWith('.jpg')) as string,
    )
    await fsp.copyFile(source, path.join(night, 'adeptTurca_2024_09_02__23_59_59_HDR0.jpg'))
    await touchFolder(night, 2030)
    const { keeper, counts } = await open()
    const after = await keeper.current()
    expect(counts.listed).toEqual(['photos/2024-09-02'])
    expect(after.catalog.photos).toHaveLength(before.catalog.photos.length + 1)
    expect(after.fingerprint).not.toBe(before.fingerprint)
  })

  it('sees a new night folder, and a removed photo', async () => {
    const { open, card } = await setup()
    const { keeper } = await open()
    const before = await keeper.current()
    await fsp.mkdir(path.join(card.root, 'photos', '2024-09-10'))
    await fsp.writeFile(
      path.join(card.root, 'photos', '2024-09-10', 'adeptTurca_2024_09_10__22_00_00_HDR0.jpg'),
      'x',
    )
    await touchFolder(path.join(card.root, 'photos'), 2030)
    const added = await keeper.current()
    expect(added.catalog.photos).toHaveLength(before.catalog.photos.length + 1)
    await fsp.rm(path.join(card.root, 'photos', '2024-09-10', 'adeptTurca_2024_09_10__22_00_00_HDR0.jpg'))
    await touchFolder(path.join(card.root, 'photos', '2024-09-10'), 2031)
    const removed = await keeper.current()
    expect(removed.catalog.photos).toHaveLength(before.catalog.photos.length)
    expect(new Set([before.fingerprint, added.fingerprint, removed.fingerprint]).size).toBe(3)
  })

  it('discards a corrupt index, or one of another card, and reads the card again', async () => {
    const { open, store } = await setup()
    const truth = (await (await open()).keeper.current()).catalog
    const [indexFile] = await fsp.readdir(store.folder)
    const file = path.join(store.folder, indexFile as string)
    const intact = JSON.parse(await fsp.readFile(file, 'utf8'))
    const damagedEntry = {
      ...intact,
      folders: { ...intact.folders, photos: { folders: [], files: [['x', -1]] } },
    }
    for (const damage of [
      '{"version":2,"card":',
      JSON.stringify({ ...intact, card: { sourceId: 'local:/another/card' } }),
      JSON.stringify(damagedEntry),
    ]) {
      await fsp.writeFile(file, damage)
      const { keeper, counts } = await open()
      expect((await keeper.current()).catalog).toEqual(truth)
      expect(counts.listed).toContain('')
      // Rewritten whole: the next start reuses it again.
      const next = await open()
      await next.keeper.current()
      expect(next.counts.listed).toEqual([])
    }
  })
})

describe('CatalogKeeper: the damage check', () => {
  it('fills the flags in as a job of its own, newest night first, and never reads an unchanged photo again', async () => {
    const { open } = await setup()
    const { keeper, counts } = await open()
    const { catalog } = await keeper.current()
    counts.reads.length = 0
    const result = await keeper.checkDamage()
    expect(result.damaged).toEqual([{ path: expect.stringContaining(TRUNCATED), flags: ['corrupt'] }])
    expect(result.checkedTotal).toBe(catalog.photos.length)
    // Newest night first: the first photo read belongs to the last night.
    const nightOf = (file: string) => catalog.photos.find((photo) => photo.path === file)?.night
    const lastNight = catalog.photos
      .map((photo) => photo.night)
      .sort()
      .at(-1)
    expect(nightOf(counts.reads.find((read) => nightOf(read)) as string)).toBe(lastNight)

    const after = (await keeper.current()).catalog
    expect(after.photos.find((photo) => photo.path.endsWith(TRUNCATED))).toMatchObject({
      flags: ['corrupt'],
      checked: true,
    })
    counts.reads.length = 0
    expect((await keeper.checkDamage()).checked).toBe(0)
    expect(counts.reads).toEqual([])

    // Kept across a restart: the flags are there and nothing is read.
    const restarted = await open()
    const kept = (await restarted.keeper.current()).catalog
    expect(kept.photos.find((photo) => photo.path.endsWith(TRUNCATED))?.flags).toEqual(['corrupt'])
    expect(restarted.counts.reads).toEqual([])
  })

  it('keeps what it read when cancelled', async () => {
    const { open } = await setup()
    const { keeper } = await open()
    const countChecked = (photos: { checked?: boolean }[]) => photos.filter((p) => p.checked !== false).length
    const before = countChecked((await keeper.current()).catalog.photos)
    const controller = new AbortController()
    let seen = 0
    await expect(
      keeper.checkDamage({
        signal: controller.signal,
        onProgress: (progress) => {
          seen = progress.filesDone ?? seen
          if (seen >= 1) controller.abort()
        },
      }),
    ).rejects.toThrow()
    const { catalog } = await (await open()).keeper.current()
    const checked = countChecked(catalog.photos)
    expect(checked).toBeGreaterThan(before)
    expect(checked).toBeLessThan(catalog.photos.length)
  })
})

describe('StorageManager stats after a restart', () => {
  it('answers from the kept stats while no folder changed, and reads the card again once one did', async () => {
    const { open, card, store } = await setup()
    const manager = async () => {
      const { source, counts } = await open()
      return { manager: new StorageManager(source, undefined, { catalogIndex: store }), counts }
    }
    const first = await (await manager()).manager.getStorageStats()
    const again = await manager()
    const kept = await again.manager.getStorageStats()
    expect(again.counts.listed).toEqual([])
    // The same figures; only the volume's free space is read fresh.
    const figures = (stats: typeof first) => ({ ...stats, generatedAt: 0, volume: undefined })
    expect(figures(kept)).toEqual(figures(first))

    const night = path.join(card.root, 'photos', '2024-09-02')
    await fsp.writeFile(path.join(night, 'adeptTurca_2024_09_02__23_59_58_HDR0.jpg'), 'x')
    await touchFolder(night, 2032)
    const changed = await manager()
    expect((await changed.manager.getStorageStats()).photos.count).toBe(first.photos.count + 1)
    expect(changed.counts.listed).toEqual(['photos/2024-09-02'])
  })
})

describe('CatalogKeeper: asked while the damage check moves on', () => {
  it('answers a catalog even when the kept one is dropped while its folders are compared', async () => {
    const { open } = await setup()
    const { keeper, source } = await open()
    await keeper.current()
    // The damage check (or a change the companion made) drops the kept catalog while the folders are read.
    const statFolder = source.statFolder.bind(source)
    source.statFolder = async (folder: string) => {
      keeper.forget()
      return statFolder(folder)
    }
    const { catalog } = await keeper.current()
    expect(catalog.photos.length).toBeGreaterThan(0)
  })
})
