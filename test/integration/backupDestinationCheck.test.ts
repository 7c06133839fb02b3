import { execFileSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServeServer, type ServeServer } from '../../src/cli/serve/httpServer.js'
import { createCompanion, type Companion } from '../../src/core/companion.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import type { CardBackupInfo, DestinationCheck } from '../../src/shared/cardBackups.js'
import type { JobSnapshot } from '../../src/shared/jobs.js'

/**
 * The Backup screen's flow over serve's HTTP API: a typed destination is checked when it is added (each
 * refusal in words, before any job), and a verified backup teaches the companion which drives to tick
 * the next time this card is chosen.
 */

const TOKEN = 'test-token-destination-check-01'

let dir: string
let card: string
let cardBytes: number
let cardFiles: number
let companion: Companion
let serve: ServeServer
let base: string
/** Mount points this file created, unmounted whatever happens. */
const mounts: string[] = []

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'destination-check-'))
  const fixture = await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 4, photoKb: 40 })
  card = fixture.root
  const files = await fsp.readdir(card, { recursive: true, withFileTypes: true })
  const sizes = await Promise.all(
    files
      .filter((entry) => entry.isFile())
      .map(async (entry) => (await fsp.stat(path.join(entry.parentPath, entry.name))).size),
  )
  cardFiles = sizes.length
  cardBytes = sizes.reduce((sum, size) => sum + size, 0)
  companion = await createCompanion({ dataDir: path.join(dir, 'data') })
  serve = createServeServer({
    handlers: companion.handlers,
    subscribe: companion.subscribe,
    settings: () => companion.settings.get(),
    token: TOKEN,
    rendererDir: path.join(dir, 'no-ui'),
    defaultSource: card,
  })
  base = `http://127.0.0.1:${(await serve.listen(0, '127.0.0.1')).port}`
})
afterAll(async () => {
  for (const mount of mounts) execFileSync('umount', [mount])
  await serve?.close()
  await companion?.close()
  await fsp.rm(dir, { recursive: true, force: true })
})

async function command<T>(name: string, input: unknown): Promise<T> {
  const response = await fetch(`${base}/api/commands/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(input),
  })
  const body = (await response.json()) as { ok: boolean; value?: T; error?: unknown }
  if (!body.ok) throw new Error(`${name} failed: ${JSON.stringify(body.error)}`)
  return body.value as T
}

const check = (destination: string) =>
  command<DestinationCheck>('storage.checkDestination', { source: card, destination })

/** A small tmpfs of its own, so "too small" and "read-only" are real drives, not mocks. */
function mountTmpfs(folder: string, options: string): void {
  if (process.getuid?.() !== 0) throw new Error('this test mounts a tmpfs and needs root (uid 0)')
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', folder])
  mounts.push(folder)
}

describe('a destination typed on the Backup screen is checked when it is added', () => {
  it('accepts a writable folder and says how much this card needs there', async () => {
    const drive = path.join(dir, 'DRIVE_OK')
    await fsp.mkdir(drive)
    const result = await check(drive)
    expect(result).toMatchObject({ accepted: true, bytesNeeded: cardBytes, alreadyVerified: 0 })
    expect(result.freeBytes).toBeGreaterThan(0)
    expect(await fsp.readdir(drive)).toEqual([])
  })

  it('refuses, in words and without a job, a folder that is not there, a system folder and one on the card', async () => {
    const jobsBefore = companion.jobs.listJobs().length
    const missing = await check(path.join(dir, 'NOT_PLUGGED'))
    expect(missing).toMatchObject({ accepted: false, refusal: { code: 'DESTINATION_NOT_FOUND' } })
    expect(missing.refusal?.message).toMatch(/NOT_PLUGGED is not there/)
    expect(await check('/etc')).toMatchObject({ accepted: false, refusal: { code: 'UNSAFE_DESTINATION' } })
    const onCard = await check(card)
    expect(onCard).toMatchObject({ accepted: false, refusal: { code: 'DESTINATION_INSIDE_SOURCE' } })
    expect(onCard.refusal?.message).toMatch(/on the card being backed up/)
    expect(companion.jobs.listJobs()).toHaveLength(jobsBefore)
  })

  it('refuses a drive too small for the card, with both figures', async () => {
    const tiny = path.join(dir, 'TINY')
    await fsp.mkdir(tiny)
    mountTmpfs(tiny, 'size=64k')
    const result = await check(tiny)
    expect(result).toMatchObject({ accepted: false, refusal: { code: 'DESTINATION_TOO_SMALL' } })
    expect(result.refusal?.message).toMatch(/has .*B free but this card's new files need .*B/)
  })

  it('refuses a read-only drive', async () => {
    const readOnly = path.join(dir, 'READ_ONLY')
    await fsp.mkdir(readOnly)
    mountTmpfs(readOnly, 'size=64m,ro')
    const result = await check(readOnly)
    expect(result).toMatchObject({ accepted: false, refusal: { code: 'DESTINATION_FAILED' } })
    expect(result.refusal?.message).toMatch(/read-only/)
  })
})

describe('the drives a card was backed up to are remembered for that card', () => {
  it('remembers the drives of a verified backup, then needs nothing new there', async () => {
    const before = await command<CardBackupInfo>('storage.cardBackup', { source: card })
    expect(before).toMatchObject({ destinations: [], autoBackup: false })
    expect(before.card).toMatch(/^adeptTurca/)

    const driveA = path.join(dir, 'REMEMBER_A')
    const driveB = path.join(dir, 'REMEMBER_B')
    await fsp.mkdir(driveA)
    await fsp.mkdir(driveB)
    const job = await command<JobSnapshot>('storage.backup', { source: card, destinations: [driveA, driveB] })
    const final = await companion.jobs.waitFor(job.id)
    expect(final?.outcome).toBe('success')

    const after = await command<CardBackupInfo>('storage.cardBackup', { source: card })
    expect(after).toEqual({ card: before.card, destinations: [driveA, driveB], autoBackup: false })
    expect(await check(driveA)).toMatchObject({ accepted: true, bytesNeeded: 0, alreadyVerified: cardFiles })
  })

  it('keeps automatic backup off until asked, per card, across a restart of the companion', async () => {
    const enabled = await command<CardBackupInfo>('storage.setAutoBackup', { source: card, enabled: true })
    expect(enabled.autoBackup).toBe(true)
    expect(enabled.destinations).toHaveLength(2)
    const reopened = await createCompanion({ dataDir: path.join(dir, 'data') })
    try {
      expect(reopened.settings.get().cardBackups).toEqual([
        { card: enabled.card, destinations: enabled.destinations, autoBackup: true },
      ])
    } finally {
      await reopened.close()
    }
  })
})
