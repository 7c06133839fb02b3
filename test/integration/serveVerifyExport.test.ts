import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Companion } from '../../src/core/companion.js'
import { parseCsv } from '../../src/core/export/csv.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { photoCardOf } from '../../src/core/photos/photoCard.js'
import { PhotoMarksStore } from '../../src/core/photos/photoMarks.js'
import { LocalSource } from '../../src/core/sources/localSource.js'
import { StorageManager } from '../../src/core/storage/storageManager.js'
import type { JobSnapshot } from '../../src/shared/jobs.js'
import { VerifyReportSchema } from '../../src/shared/verify.js'
import { camtrapDpProblems } from '../support/camtrapDp/validatePackage.js'
import { startInProcessServe, type InProcessServe } from '../support/inProcessServe.js'

const TOKEN = 'test-token-verify-export-0123'
let dir: string
let card: string
let drive: string
let companion: Companion
let running: InProcessServe
let base: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-verify-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 4, photoKb: 40 })).root
  drive = path.join(dir, 'DRIVE')
  await fsp.mkdir(drive)
  running = await startInProcessServe({
    dataDir: path.join(dir, 'data'),
    token: TOKEN,
    rendererDir: path.join(dir, 'no-ui'),
    defaultSource: card,
  })
  ;({ companion, base } = running)
})
afterAll(async () => {
  await running.close()
  await fsp.rm(dir, { recursive: true, force: true })
})

/** The answer of a contract command over HTTP; `value` is typed loosely because each test reads its own. */
interface Reply {
  value: JobSnapshot & Record<string, unknown>
  error?: { code: string; message: string }
}

async function call(command: string, input: unknown): Promise<{ status: number; body: Reply }> {
  const response = await fetch(`${base}/api/commands/${command}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(input),
  })
  return { status: response.status, body: await response.json() }
}

async function finished(started: { body: { value: JobSnapshot } }): Promise<JobSnapshot> {
  const final = await companion.jobs.waitFor(started.body.value.id)
  if (!final) throw new Error('the job vanished')
  return final
}

describe('serve: verify a backup drive', () => {
  it('runs verify as a job: a success on an intact drive, partial with the file named once a copy changed', async () => {
    const backup = await finished(await call('storage.backup', { source: card, destinations: [drive] }))
    expect(backup.outcome).toBe('success')

    const intact = await finished(await call('storage.verify', { target: drive }))
    expect(intact).toMatchObject({ kind: 'verify', status: 'completed', outcome: 'success', problems: 0 })
    const report = VerifyReportSchema.parse(intact.result)
    expect(report.counts.ok).toBeGreaterThan(0)
    expect(report.readLevel).toBe('drive')

    const cardFolder = report.cardFolders[0]!.cardFolder
    const photos = report.cardFolders[0]!.files.filter((file) => file.path.endsWith('.jpg'))
    const sizes = await Promise.all(
      photos.map(async (file) => (await fsp.stat(path.join(cardFolder, file.path))).size),
    )
    const victim = photos[sizes.findIndex((size) => size > 1000)]!.path
    const copy = path.join(cardFolder, victim)
    const bytes = await fsp.readFile(copy)
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff
    await fsp.writeFile(copy, bytes)

    const changed = await finished(await call('storage.verify', { target: cardFolder }))
    expect(changed).toMatchObject({ status: 'completed', outcome: 'partial', problems: 1 })
    const files = VerifyReportSchema.parse(changed.result).cardFolders[0]!.files
    expect(files[0]).toMatchObject({ path: victim, status: 'changed' })
  })

  it('refuses a relative target (400) and a folder without a backup (a failed job saying so)', async () => {
    expect((await call('storage.verify', { target: 'DRIVE' })).status).toBe(400)
    expect((await call('storage.verify', { target: drive, sampleFraction: 0 })).status).toBe(400)
    const none = await finished(await call('storage.verify', { target: card }))
    expect(none.status).toBe('failed')
    expect(none.error?.message).toContain('No backup found')
  })
})

describe('serve: Camtrap DP export', () => {
  const deployment = { deploymentID: 'site-7', latitude: 47.37, longitude: 8.54, timeZone: 'Europe/Zurich' }

  it('exports a valid package and remembers the place and zone for the box', async () => {
    expect((await call('export.deploymentOf', { source: card })).body.value).toEqual({
      deviceName: 'adeptTurca',
      deployment: null,
    })
    const outDir = path.join(dir, 'package')
    const exported = await call('export.camtrapDp', { source: card, outDir, ...deployment })
    expect(exported.status, JSON.stringify(exported.body)).toBe(200)
    expect(exported.body.value.media).toBeGreaterThan(0)
    expect(await camtrapDpProblems(outDir)).toEqual([])
    expect((await call('export.deploymentOf', { source: card })).body.value).toEqual({
      deviceName: 'adeptTurca',
      deployment,
    })
  })

  it('marks the photos starred on the Photos screen as favorites, also when exporting the backup', async () => {
    const manager = new StorageManager(await LocalSource.open(card))
    const { catalog, marksKey } = await photoCardOf(manager)
    await manager.close()
    const [starred, rejected] = catalog.photos
      .filter((photo) => photo.flags.length === 0)
      .map((photo) => photo.path)
    const marks = new PhotoMarksStore(path.join(dir, 'data', 'photo-marks'))
    await marks.setMark(marksKey, starred!, 'star')
    await marks.setMark(marksKey, rejected!, 'reject')

    const backupFolder = path.join(drive, 'adeptTurca_CARD')
    const outDir = path.join(dir, 'favorites')
    const exported = await call('export.camtrapDp', { source: backupFolder, outDir, ...deployment })
    expect(exported.status, JSON.stringify(exported.body)).toBe(200)
    const [header = [], ...rows] = parseCsv(await fsp.readFile(path.join(outDir, 'media.csv'), 'utf8'))
    const favorite = new Map(
      rows.map((row) => [row[header.indexOf('fileName')], row[header.indexOf('favorite')]]),
    )
    expect(favorite.get(path.posix.basename(starred!))).toBe('true')
    expect(favorite.get(path.posix.basename(rejected!))).toBe('false')
    expect(await camtrapDpProblems(outDir)).toEqual([])
  })

  it('refuses bad coordinates and zones (400) and a non-empty folder (422), writing nothing', async () => {
    const outDir = path.join(dir, 'refused')
    for (const bad of [{ latitude: -91 }, { longitude: 200 }, { timeZone: 'Moon/Tranquility' }]) {
      const refused = await call('export.camtrapDp', { source: card, outDir, ...deployment, ...bad })
      expect(refused.status).toBe(400)
    }
    const { latitude: _, ...withoutLatitude } = deployment
    expect((await call('export.camtrapDp', { source: card, outDir, ...withoutLatitude })).status).toBe(400)
    await expect(fsp.stat(outDir)).rejects.toMatchObject({ code: 'ENOENT' })
    const full = await call('export.camtrapDp', { source: card, outDir: card, ...deployment })
    expect(full.status).toBe(422)
    expect(full.body.error).toMatchObject({ code: 'OUTPUT_NOT_EMPTY' })
  })
})
