import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { JobQueue } from '../../src/core/jobs/index.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import type { JobSnapshot } from '../../src/shared/jobs.js'
import { startServe, type RunningServe } from '../support/serveProcess.js'

/** serve's default bound. */
const KEPT = 1000
const EARLIER = 1200
const RESULT_BYTES = 3_000

let dir: string
let dataDir: string
let historyPath: string
let card: string
let earlierIds: string[]
const running: RunningServe[] = []

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-job-history-'))
  dataDir = path.join(dir, 'data')
  historyPath = path.join(dataDir, 'jobs.jsonl')
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 1, perNight: 2, photoKb: 20 })).root
  // Months of earlier use: more jobs than the bound, each with a sizeable result, an hour ago.
  let now = Date.now() - 3_600_000
  const earlier = await JobQueue.open({ historyPath, concurrency: 1, now: () => ++now })
  const jobs = Array.from({ length: EARLIER }, (_, i) =>
    earlier.enqueue(`earlier ${i}`, async () => ({ i, padding: 'x'.repeat(RESULT_BYTES) })),
  )
  await earlier.waitFor(jobs.at(-1)!.id)
  await earlier.close()
  earlierIds = jobs.map((job) => job.id)
}, 60_000)
afterAll(async () => {
  await Promise.all(running.map((serve) => serve.stop()))
  await fsp.rm(dir, { recursive: true, force: true })
})

const serveOnData = async () => {
  const serve = await startServe(['--data-dir', dataDir])
  running.push(serve)
  return serve
}
const listed = async (serve: RunningServe) =>
  ((await serve.command('jobs.list', {})).body.value as JobSnapshot[]).map((job) => job.id)
const journalLines = async () => (await fsp.readFile(historyPath, 'utf8')).split('\n').filter(Boolean)

describe('serve job history after many jobs', () => {
  it('lists the newest jobs up to the bound after a restart, with the journal file bounded too', async () => {
    const first = await serveOnData()
    const newestEarlier = earlierIds.slice(-KEPT).reverse()
    expect(await listed(first)).toEqual(newestEarlier)
    expect(await journalLines()).toHaveLength(KEPT)
    expect((await fsp.stat(historyPath)).size).toBeLessThan(KEPT * (RESULT_BYTES + 400))

    // New jobs over HTTP push the oldest out.
    const started: string[] = []
    for (let i = 0; i < 3; i++) {
      const { body } = await first.command('photos.processBatch', {
        source: card,
        photos: [`photos/${i}.jpg`],
      })
      started.push((body.value as JobSnapshot).id)
    }
    const statusOf = async (id: string) =>
      ((await first.command('jobs.get', { id })).body.value as JobSnapshot | null)?.status
    for (const id of started) {
      await vi.waitUntil(async () => (await statusOf(id)) === 'completed', { timeout: 20_000, interval: 50 })
    }
    const expected = [...started].reverse().concat(newestEarlier.slice(0, KEPT - 3))
    expect(await listed(first)).toEqual(expected)

    await first.stop()
    const second = await serveOnData()
    expect(await listed(second)).toEqual(expected)
    expect(await journalLines()).toHaveLength(KEPT)
    expect((await fsp.stat(historyPath)).size).toBeLessThan(KEPT * (RESULT_BYTES + 400))
  }, 120_000)
})
