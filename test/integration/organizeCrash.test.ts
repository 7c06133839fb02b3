import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LocalSource } from '../../src/core/sources/localSource.js'
import { buildCatalog } from '../../src/core/storage/catalog.js'
import { organizePhotosByDate, planOrganize, recoverOrganize } from '../../src/core/storage/organize.js'
import { LAST_ORGANIZE_JOURNAL } from '../../src/core/storage/organizeJournal.js'
import { nightOf } from '../../src/shared/night.js'
import { parsePhotoName } from '../../src/shared/photoName.js'
import { walkSource } from '../../src/core/sources/walkSource.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const CHILD = fileURLToPath(new URL('../support/organizeChild.ts', import.meta.url))
const KILLS = 8

let root: string
let source: LocalSource
beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'organize-crash-'))
  source = new LocalSource(root)
})
afterEach(async () => {
  await fsp.rm(root, { recursive: true, force: true })
})

/** A small, seedable PRNG (mulberry32), so a failing run can be replayed from its seed. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Photo bytes carry an id, and a sidecar names the id of its photo, so a parted pair shows. */
const photoBytes = (id: string) =>
  Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.from(`id:${id}|`.padEnd(200, '.')),
    Buffer.from([0xff, 0xd9]),
  ])
const idOf = (content: Buffer) => /id:([^|]*)\|/.exec(content.toString('latin1'))?.[1]
const sidecarBytes = (id: string) => Buffer.from(JSON.stringify({ photo: id }))

/**
 * A card as boxes and people leave them, about 300 files: four nights of HDR series, some flat at the root,
 * some in capture-date folders (which differ from night folders after midnight), some in import folders, some
 * already in place; a few same-named photos with other bytes (to be suffixed) and a few exact duplicates of
 * photos already in place (to be deduplicated); settings and logs that must not move.
 */
function cardLayout(): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  const times = [
    '21:00',
    '22:30',
    '23:45',
    '00:15',
    '01:40',
    '02:40',
    '03:30',
    '04:50',
    '20:10',
    '23:05',
    '01:05',
    '05:20',
  ]
  for (let night = 1; night <= 4; night += 1) {
    times.forEach((time, slot) => {
      const [hour, minute] = time.split(':').map(Number) as [number, number]
      const day = hour < 12 ? night + 1 : night
      for (let shot = 0; shot < 3; shot += 1) {
        const name = `adeptTurca_2024_09_${pad(day)}__${pad(hour)}_${pad(minute)}_${pad(shot * 3)}_HDR${shot}.jpg`
        const folder = ['', `2024-09-${pad(day)}/`, `import/night${night}/`, `2024-09-${pad(night)}/`][
          (slot + shot) % 4
        ] as string
        const photoPath = `${folder}${name}`
        files.set(photoPath, photoBytes(photoPath))
        if (shot !== 2) files.set(`${photoPath}.json`, sidecarBytes(photoPath))
        if (slot === 5 && shot === 0) {
          // The same name with other bytes, from another import.
          files.set(`other-import/${name}`, photoBytes(`other-import/${name}`))
          files.set(`other-import/${name}.json`, sidecarBytes(`other-import/${name}`))
        }
        if ((slot + shot) % 4 === 3 && slot % 3 === 0) {
          // An exact copy of a photo already in place, left at the root by an earlier manual copy.
          files.set(name, photoBytes(photoPath))
          if (shot !== 2) files.set(`${name}.json`, sidecarBytes(photoPath))
        }
      }
    })
  }
  files.set('camera_settings.csv', Buffer.from('iso,shutter\n100,1/250\n'))
  files.set('logs/2024-09-02.log', Buffer.from('lights on 21:00\n'))
  return files
}

async function writeCard(files: Map<string, Buffer>): Promise<void> {
  for (const [relativePath, content] of files) {
    await fsp.mkdir(path.dirname(path.join(root, relativePath)), { recursive: true })
    await fsp.writeFile(path.join(root, relativePath), content)
  }
}

/** Every file on the card, the Companion's own journals at the root left out. */
async function readCard(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for await (const file of walkSource(source)) {
    if (file.path.startsWith('.creaturebox-organize')) continue
    files.set(file.path, await fsp.readFile(path.join(root, file.path)))
  }
  return files
}

const keyOf = (content: Buffer) => content.toString('base64')

/** Every distinct content once (duplicates of one photo collapse), each photo in its night, each sidecar with it. */
function expectOrganized(
  original: Map<string, Buffer>,
  organized: Map<string, Buffer>,
  context: string,
): void {
  const contents = [...organized.values()].map(keyOf)
  expect(new Set(contents).size, `${context}: a file is duplicated`).toBe(contents.length)
  expect(new Set(contents), `${context}: a file is lost or altered`).toEqual(
    new Set([...original.values()].map(keyOf)),
  )
  for (const [filePath, content] of organized) {
    const parsed = parsePhotoName(filePath)
    if (filePath.endsWith('.jpg') && parsed) {
      expect(
        filePath.startsWith(`${nightOf(parsed.capturedAt)}/`),
        `${context}: ${filePath} outside its night`,
      ).toBe(true)
    }
    if (filePath.endsWith('.jpg.json')) {
      const photo = organized.get(filePath.slice(0, -'.json'.length))
      expect(photo && idOf(photo), `${context}: ${filePath} parted from its photo`).toBe(
        (JSON.parse(content.toString()) as { photo: string }).photo,
      )
    }
  }
  const idsWithSidecar = new Set(
    [...original]
      .filter(([p]) => p.endsWith('.json'))
      .map(([, c]) => (JSON.parse(c.toString()) as { photo: string }).photo),
  )
  for (const [filePath, content] of organized) {
    if (filePath.endsWith('.jpg') && idsWithSidecar.has(idOf(content) ?? '')) {
      expect(organized.has(`${filePath}.json`), `${context}: ${filePath} lost its sidecar`).toBe(true)
    }
  }
}

/** Runs the child; kills it when it prints line `killAtLine` (0 = `start`, n = its n-th file operation). */
async function runChild(mode: 'organize' | 'undo', killAtLine: number): Promise<boolean> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root, mode], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  let line = 0
  readline.createInterface({ input: child.stdout }).on('line', () => {
    if (line === killAtLine) child.kill('SIGKILL')
    line += 1
  })
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null]
  if (signal === 'SIGKILL') return true
  if (code !== 0) throw new Error(`The ${mode} child failed (${code}): ${stderr}`)
  return false
}

describe('organize survives being killed', () => {
  it(
    'completes or undoes an organize killed at random points, losing and duplicating nothing',
    { timeout: 300_000 },
    async () => {
      const seed = Number(process.env.ORGANIZE_CRASH_SEED ?? Date.now() % 1_000_000)
      const random = randomFrom(seed)
      const original = cardLayout()
      await writeCard(original)
      expect(await readCard()).toEqual(original)
      const plan = await planOrganize(source, await buildCatalog(source), { by: 'night' })
      const ops = plan.moves.length
      expect(plan.moves.filter((move) => move.kind === 'dedupe').length).toBeGreaterThan(0)
      expect(plan.moves.some((move) => move.to.includes(' (2).jpg'))).toBe(true)

      let organizeKills = 0
      let undoKills = 0
      for (let round = 0; organizeKills < KILLS && round < KILLS * 3; round += 1) {
        const context = `seed ${seed}, round ${round}`
        if (await runChild('organize', Math.floor(random() * (ops + 1)))) organizeKills += 1
        await recoverOrganize(source)
        await organizePhotosByDate(source, await buildCatalog(source), { by: 'night' })
        expectOrganized(original, await readCard(), context)

        if (await runChild('undo', Math.floor(random() * (ops + 1)))) undoKills += 1
        await recoverOrganize(source)
        // The kill may have come before the undo began: then it is asked for again.
        if (await source.stat(LAST_ORGANIZE_JOURNAL)) {
          await organizePhotosByDate(source, { sourceId: '', photos: [], otherFiles: [] }, { undo: true })
        }
        const restored = await readCard()
        expect([...restored.keys()].sort(), `${context}: layout not restored`).toEqual(
          [...original.keys()].sort(),
        )
        expect(restored, `${context}: contents not restored`).toEqual(original)
      }
      expect(organizeKills, `seed ${seed}`).toBeGreaterThanOrEqual(KILLS)
      expect(undoKills, `seed ${seed}`).toBeGreaterThan(0)
    },
  )
})
