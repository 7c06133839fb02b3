import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LocalSource } from '../../../src/core/sources/localSource.js'
import {
  buildOrganizeJournal,
  organizePhotosByDate,
  planOrganize,
  recoverOrganize,
} from '../../../src/core/storage/organize.js'
import {
  LAST_ORGANIZE_JOURNAL,
  ORGANIZE_JOURNAL,
  writeJournal,
} from '../../../src/core/storage/organizeJournal.js'
import { dateOf, nightOf } from '../../../src/shared/night.js'
import { parsePhotoName } from '../../../src/shared/photoName.js'
import type { Catalog } from '../../../src/shared/storage.js'
import { walkSource } from '../../../src/core/sources/walkSource.js'

let card: string
let source: LocalSource
beforeEach(async () => {
  card = await fsp.mkdtemp(path.join(os.tmpdir(), 'organize-'))
  source = new LocalSource(card)
})
afterEach(async () => {
  await fsp.rm(card, { recursive: true, force: true })
})

const EVENING = 'adeptTurca_2024_09_01__22_10_00_HDR0.jpg'
const AFTER_MIDNIGHT = 'adeptTurca_2024_09_02__02_40_18_HDR0.jpg'
const NEXT_EVENING = 'adeptTurca_2024_09_02__21_00_05_FB1.jpg'

async function put(relativePath: string, content: string): Promise<void> {
  const target = path.join(card, relativePath)
  await fsp.mkdir(path.dirname(target), { recursive: true })
  await fsp.writeFile(target, content)
}

/** A photo and its sidecar, the sidecar naming the photo's content so a mismatched pair shows. */
async function putPhoto(relativePath: string, content = `photo ${relativePath}`): Promise<void> {
  await put(relativePath, content)
  await put(`${relativePath}.json`, JSON.stringify({ of: content }))
}

/** Every file on the card with its content, journals left out. */
async function layout(): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for await (const file of walkSource(source)) {
    if (file.path.startsWith('.creaturebox')) continue
    files[file.path] = await fsp.readFile(path.join(card, file.path), 'utf8')
  }
  return files
}

/** A catalog as buildCatalog would describe the card's photos (times from the names, sidecars found). */
async function catalogOfCard(): Promise<Catalog> {
  const photos: Catalog['photos'] = []
  for await (const file of walkSource(source)) {
    const capturedAt = parsePhotoName(file.path)?.capturedAt
    if (!file.path.endsWith('.jpg') || capturedAt === undefined) continue
    photos.push({
      ...file,
      capturedAt,
      captureOrigin: 'filename',
      date: dateOf(capturedAt),
      night: nightOf(capturedAt),
      companions: (await source.stat(`${file.path}.json`)) ? [`${file.path}.json`] : [],
      flags: [],
    })
  }
  photos.sort((a, b) =>
    a.capturedAt < b.capturedAt ? -1 : a.capturedAt > b.capturedAt ? 1 : a.path < b.path ? -1 : 1,
  )
  return { sourceId: `local:${card}`, photos, otherFiles: [] }
}

const organize = async (options: Parameters<typeof organizePhotosByDate>[2] = {}) =>
  organizePhotosByDate(source, await catalogOfCard(), options)

const exists = async (relativePath: string) => (await source.stat(relativePath)) !== undefined

describe('organizePhotosByDate', () => {
  it('moves photos and their sidecars into folders by capture date, and removes the folders it emptied', async () => {
    await putPhoto(`import/${EVENING}`)
    await putPhoto(AFTER_MIDNIGHT)
    const result = await organize({ by: 'date' })
    expect(result).toMatchObject({ by: 'date', dryRun: false, undo: false, done: 4, failed: [] })
    expect(await layout()).toEqual({
      [`2024-09-01/${EVENING}`]: `photo import/${EVENING}`,
      [`2024-09-01/${EVENING}.json`]: JSON.stringify({ of: `photo import/${EVENING}` }),
      [`2024-09-02/${AFTER_MIDNIGHT}`]: `photo ${AFTER_MIDNIGHT}`,
      [`2024-09-02/${AFTER_MIDNIGHT}.json`]: JSON.stringify({ of: `photo ${AFTER_MIDNIGHT}` }),
    })
    expect(await fsp.readdir(card)).not.toContain('import')
  })

  it('files a photo taken at 02:40 under the previous evening when organizing by night', async () => {
    await putPhoto(AFTER_MIDNIGHT)
    await putPhoto(NEXT_EVENING)
    await organize({ by: 'night' })
    expect(Object.keys(await layout()).sort()).toEqual([
      `2024-09-01/${AFTER_MIDNIGHT}`,
      `2024-09-01/${AFTER_MIDNIGHT}.json`,
      `2024-09-02/${NEXT_EVENING}`,
      `2024-09-02/${NEXT_EVENING}.json`,
    ])
  })

  it('leaves a photo already in its folder where it is, and keeps the last organize undoable', async () => {
    await putPhoto(EVENING)
    await organize({ by: 'night' })
    const last = await fsp.readFile(path.join(card, LAST_ORGANIZE_JOURNAL), 'utf8')
    const again = await organize({ by: 'night' })
    expect(again.moves).toEqual([])
    expect(await fsp.readFile(path.join(card, LAST_ORGANIZE_JOURNAL), 'utf8')).toBe(last)
    expect(await exists(ORGANIZE_JOURNAL)).toBe(false)
  })

  it('removes a copy whose identical twin is already in place, sidecar included', async () => {
    await putPhoto(`2024-09-01/${EVENING}`, 'same bytes')
    await putPhoto(EVENING, 'same bytes')
    const result = await organize({ by: 'night' })
    expect(result.moves).toEqual([
      { from: EVENING, to: `2024-09-01/${EVENING}`, kind: 'dedupe' },
      { from: `${EVENING}.json`, to: `2024-09-01/${EVENING}.json`, kind: 'dedupe' },
    ])
    expect(await layout()).toEqual({
      [`2024-09-01/${EVENING}`]: 'same bytes',
      [`2024-09-01/${EVENING}.json`]: JSON.stringify({ of: 'same bytes' }),
    })
  })

  it('gives a different photo of the same name a suffix, and its sidecar follows', async () => {
    await putPhoto(`2024-09-01/${EVENING}`, 'first shot')
    await putPhoto(EVENING, 'other shot')
    const suffixed = EVENING.replace('.jpg', ' (2).jpg')
    const result = await organize({ by: 'night' })
    expect(result.moves).toEqual([
      { from: EVENING, to: `2024-09-01/${suffixed}`, kind: 'move' },
      { from: `${EVENING}.json`, to: `2024-09-01/${suffixed}.json`, kind: 'move' },
    ])
    expect(await layout()).toEqual({
      [`2024-09-01/${EVENING}`]: 'first shot',
      [`2024-09-01/${EVENING}.json`]: JSON.stringify({ of: 'first shot' }),
      [`2024-09-01/${suffixed}`]: 'other shot',
      [`2024-09-01/${suffixed}.json`]: JSON.stringify({ of: 'other shot' }),
    })
  })

  it('keeps both of two different photos of one name arriving from two folders', async () => {
    await putPhoto(`a/${EVENING}`, 'from a')
    await putPhoto(`b/${EVENING}`, 'from b')
    await organize({ by: 'night' })
    const files = await layout()
    expect(Object.values(files).sort()).toEqual(
      ['from a', 'from b', JSON.stringify({ of: 'from a' }), JSON.stringify({ of: 'from b' })].sort(),
    )
    const suffixed = EVENING.replace('.jpg', ' (2).jpg')
    expect(files[`2024-09-01/${suffixed}.json`]).toBe(JSON.stringify({ of: files[`2024-09-01/${suffixed}`] }))
  })

  it('moves nothing in a dry run, and says what it would move', async () => {
    await putPhoto(EVENING)
    const before = await layout()
    const dry = await organize({ by: 'night', dryRun: true })
    const planned = await planOrganize(source, await catalogOfCard(), { by: 'night' })
    for (const result of [dry, planned]) {
      expect(result).toMatchObject({ dryRun: true, done: 0 })
      expect(result.moves.map((move) => move.to)).toEqual([
        `2024-09-01/${EVENING}`,
        `2024-09-01/${EVENING}.json`,
      ])
    }
    expect(await layout()).toEqual(before)
    expect(await exists(ORGANIZE_JOURNAL)).toBe(false)
    expect(await exists(LAST_ORGANIZE_JOURNAL)).toBe(false)
  })

  it('undo restores the previous layout exactly, duplicates included, and only once', async () => {
    await putPhoto(`2024-09-01/${EVENING}`, 'same bytes')
    await putPhoto(EVENING, 'same bytes')
    await putPhoto(`import/${AFTER_MIDNIGHT}`)
    await putPhoto(`2024-09-02/${NEXT_EVENING}`, 'a')
    await putPhoto(`other/${NEXT_EVENING}`, 'b')
    await put('camera_settings.csv', 'iso,100')
    const before = await layout()
    await organize({ by: 'night' })
    expect(await layout()).not.toEqual(before)

    const undone = await organize({ undo: true })
    expect(undone).toMatchObject({ undo: true, failed: [] })
    expect(undone.moves.map((move) => move.kind)).toContain('dedupe')
    expect(await layout()).toEqual(before)
    expect((await fsp.readdir(card)).sort()).toEqual(
      [
        '2024-09-01',
        '2024-09-02',
        'camera_settings.csv',
        'import',
        'other',
        EVENING,
        `${EVENING}.json`,
      ].sort(),
    )
    await expect(organize({ undo: true })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('completes an organize interrupted midway, a half-done rename included, inside the photos folder', async () => {
    await putPhoto(`import/${EVENING}`)
    await putPhoto(`import/${AFTER_MIDNIGHT}`)
    const before = await layout()
    const { journal } = await buildOrganizeJournal(source, await catalogOfCard(), 'night')
    await writeJournal(source, ORGANIZE_JOURNAL, journal)
    // The first photo moved, then the process died after linking its sidecar but before unlinking it.
    const [photo, sidecar] = journal.ops
    await source.rename(photo!.from, photo!.to)
    await fsp.link(path.join(card, sidecar!.from), path.join(card, sidecar!.to))
    // A journal write that died before its rename left a temporary.
    await put(`${LAST_ORGANIZE_JOURNAL}.tmp-4242-1700000000000`, '{"half')

    const recovered = await recoverOrganize(source)
    expect(recovered).toMatchObject({ done: 4, failed: [] })
    expect(Object.keys(await layout()).sort()).toEqual([
      `import/2024-09-01/${EVENING}`,
      `import/2024-09-01/${EVENING}.json`,
      `import/2024-09-01/${AFTER_MIDNIGHT}`,
      `import/2024-09-01/${AFTER_MIDNIGHT}.json`,
    ])
    expect((await fsp.readdir(card)).sort()).toEqual(['.creaturebox-organize-last.json', 'import'])
    expect(await recoverOrganize(source)).toBeUndefined()

    await organize({ undo: true })
    expect(await layout()).toEqual(before)
  })

  it('never overwrites a file that took a target after the plan, and keeps the sidecar with its photo', async () => {
    await putPhoto(EVENING, 'moving')
    const { journal } = await buildOrganizeJournal(source, await catalogOfCard(), 'night')
    await writeJournal(source, ORGANIZE_JOURNAL, journal)
    await put(`2024-09-01/${EVENING}`, 'arrived meanwhile')
    const recovered = await recoverOrganize(source)
    expect(recovered?.failed).toEqual([
      expect.objectContaining({ path: EVENING, code: 'VERIFY_MISMATCH' }),
      expect.objectContaining({ path: `${EVENING}.json`, code: 'SKIPPED' }),
    ])
    expect(await layout()).toEqual({
      [EVENING]: 'moving',
      [`${EVENING}.json`]: JSON.stringify({ of: 'moving' }),
      [`2024-09-01/${EVENING}`]: 'arrived meanwhile',
    })
  })

  it('refuses to run over an unreadable journal and moves nothing', async () => {
    await putPhoto(EVENING)
    await put(ORGANIZE_JOURNAL, '{"version":1,"ops":[')
    const before = await layout()
    await expect(organize({ by: 'night' })).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT' })
    expect(await layout()).toEqual(before)
  })

  it('stops between photos when cancelled, each sidecar still next to its photo, and undo puts them back', async () => {
    for (const name of [EVENING, AFTER_MIDNIGHT, NEXT_EVENING]) await putPhoto(`import/${name}`)
    const before = await layout()
    const controller = new AbortController()
    const run = organize({
      by: 'night',
      signal: controller.signal,
      onProgress: (progress) => {
        // Aborted while the first photo's group is under way: its sidecar still moves with it.
        if (progress.filesDone === 0 && progress.currentFile !== undefined) controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    const files = await layout()
    expect(Object.keys(files).sort()).toEqual([
      `import/2024-09-01/${EVENING}`,
      `import/2024-09-01/${EVENING}.json`,
      `import/${AFTER_MIDNIGHT}`,
      `import/${AFTER_MIDNIGHT}.json`,
      `import/${NEXT_EVENING}`,
      `import/${NEXT_EVENING}.json`,
    ])
    await organize({ undo: true })
    expect(await layout()).toEqual(before)
  })

  it('reports a photo that vanished since the card was read and organizes the others', async () => {
    await putPhoto(EVENING)
    await putPhoto(NEXT_EVENING)
    const catalog = await catalogOfCard()
    await fsp.rm(path.join(card, EVENING))
    const result = await organizePhotosByDate(source, catalog, { by: 'night' })
    expect(result.failed).toEqual([expect.objectContaining({ path: EVENING, code: 'FILE_VANISHED' })])
    expect(await exists(`2024-09-02/${NEXT_EVENING}`)).toBe(true)
    expect(await exists(`${EVENING}.json`)).toBe(true)
  })
})
