import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCompanion, type Companion } from '../../src/core/companion.js'
import { dispatchCommand } from '../../src/core/dispatch.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import type { ContractEvent } from '../../src/shared/bridge.js'
import type { JobSnapshot } from '../../src/shared/jobs.js'

let dir: string
let card: string
let companion: Companion

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dispatch-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 5, photoKb: 50 })).root
  companion = await createCompanion({ dataDir: path.join(dir, 'data') })
})
afterAll(async () => {
  await companion.close()
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('the contract dispatcher', () => {
  it('refuses an unknown command and invalid input with typed errors, before core runs', async () => {
    expect(await dispatchCommand(companion.handlers, 'storage.format', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_COMMAND' },
    })
    expect(
      await dispatchCommand(companion.handlers, 'storage.backup', { source: card, destinations: [] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await dispatchCommand(companion.handlers, 'jobs.cleanup', { maxAgeMs: -1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
  })

  it('refuses a cleanup asking for both nights and everything verified, and an organize applied to a relative path', async () => {
    const cleanup = await dispatchCommand(companion.handlers, 'storage.cleanupPlan', {
      source: card,
      daysToKeep: 0,
      requireBackupAt: [path.join(dir, 'DRIVE')],
      nights: ['2024-09-01'],
      allVerified: true,
    })
    expect(cleanup).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('not both') },
    })
    const organize = await dispatchCommand(companion.handlers, 'storage.organize', {
      source: card,
      applyToBackups: ['BACKUP'],
    })
    expect(organize).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('moves nothing on the card when a drive the organize should reach is not there', async () => {
    const before = await fsp.readdir(card, { recursive: true })
    const outcome = await dispatchCommand(companion.handlers, 'storage.organize', {
      source: card,
      applyToBackups: [path.join(dir, 'DRIVE_AT_HOME')],
    })
    expect(outcome).toEqual({
      ok: false,
      error: {
        code: 'DESTINATION_NOT_FOUND',
        message: expect.stringMatching(/^Nothing was moved: .*DRIVE_AT_HOME is not there/),
      },
    })
    expect(await fsp.readdir(card, { recursive: true })).toEqual(before)
  })

  it('answers the desktop-only commands with DESKTOP_ONLY: core has no window', async () => {
    expect(await dispatchCommand(companion.handlers, 'desktop.chooseFolder', {})).toMatchObject({
      ok: false,
      error: { code: 'DESKTOP_ONLY' },
    })
  })

  it('turns a core failure into a readable error, not a stack trace', async () => {
    const outcome = await dispatchCommand(companion.handlers, 'storage.stats', {
      source: path.join(dir, 'gone'),
    })
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'SOURCE_NOT_FOUND', message: expect.stringContaining('is not there') },
    })
  })

  it('runs a backup as a job whose events reach subscribers until it completes', async () => {
    const drive = path.join(dir, 'DRIVE')
    await fsp.mkdir(drive)
    const events: ContractEvent[] = []
    const unsubscribe = companion.subscribe((event) => events.push(event))
    const outcome = await dispatchCommand(companion.handlers, 'storage.backup', {
      source: card,
      destinations: [drive],
    })
    expect(outcome.ok).toBe(true)
    const job = (outcome as { value: JobSnapshot }).value
    const final = await companion.jobs.waitFor(job.id)
    unsubscribe()
    expect(final?.status).toBe('completed')
    const result = final?.result as { failed: unknown[]; destinations: { error?: unknown; copied: number }[] }
    expect(result.failed).toEqual([])
    expect(result.destinations[0]?.error).toBeUndefined()
    expect(result.destinations[0]?.copied).toBeGreaterThan(10)
    const updates = events.filter((e) => e.name === 'job.updated' && e.payload.id === job.id)
    expect(updates.at(-1)?.payload).toMatchObject({ status: 'completed' })
    const listed = await dispatchCommand(companion.handlers, 'jobs.get', { id: job.id })
    expect(listed).toMatchObject({ ok: true, value: { status: 'completed' } })
    expect(await dispatchCommand(companion.handlers, 'jobs.get', { id: 'unknown' })).toEqual({
      ok: true,
      value: null,
    })
  })

  it('answers a second stats request on an unchanged card from the cache (same generatedAt)', async () => {
    const first = await dispatchCommand(companion.handlers, 'storage.stats', { source: card })
    const second = await dispatchCommand(companion.handlers, 'storage.stats', { source: card })
    expect(first).toMatchObject({ ok: true })
    expect(second).toEqual(first)
  })
})
