import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobQueue, type JobContext } from '../../../src/core/jobs/index.js'

let dir: string
let historyPath: string
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'jobs-bound-'))
  historyPath = path.join(dir, 'jobs.jsonl')
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

/** A clock that moves one millisecond per reading, so every job finishes at its own time. */
const steppingClock = () => {
  let now = Date.now()
  return () => ++now
}

/** Runs until its signal aborts: a backup still going when the others finish. */
const untilAborted = (context: JobContext) =>
  new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted'))))

const linesOf = async (file: string) => (await fsp.readFile(file, 'utf8')).split('\n').filter(Boolean)

describe('a bounded job history', () => {
  it('keeps the newest N finished jobs, never drops a queued or running one, and keeps the file small', async () => {
    const max = 5
    const queue = await JobQueue.open({
      historyPath,
      maxFinishedJobs: max,
      concurrency: 2,
      now: steppingClock(),
    })
    const longBackup = queue.enqueue('long backup', untilAborted)
    // All at once: most of them wait queued while older ones finish and are forgotten.
    const quick = Array.from({ length: 200 }, (_, i) =>
      queue.enqueue(`quick ${i}`, async () => ({ i, padding: 'x'.repeat(4_000) })),
    )
    // Taken now, as callers do: a job finished and forgotten long ago can no longer be waited for.
    const finals = quick.map((job) => queue.waitFor(job.id))
    const queuedSeen: number[] = []
    let largestFile = 0
    const unsubscribe = queue.subscribe((job) => {
      if (job.status !== 'completed') return
      // Every job not yet run is still there, whatever was forgotten.
      queuedSeen.push(queue.listJobs().filter((listed) => listed.status === 'queued').length)
    })
    for (const final of finals) {
      expect((await final)?.status).toBe('completed')
      largestFile = Math.max(largestFile, (await fsp.stat(historyPath)).size)
    }
    unsubscribe()
    expect(queuedSeen).toEqual(quick.map((_, i) => quick.length - 1 - i))

    const newest = quick.slice(-max).map((job) => job.id)
    expect(queue.listJobs().map((job) => job.id)).toEqual([...newest].reverse().concat(longBackup.id))
    expect(queue.getJobStatus(longBackup.id)).toBe('running')
    // Compaction keeps the journal within a few times what the kept jobs need (200 jobs would be ~800 kB).
    expect(largestFile).toBeLessThan(60 * 4_200)

    await queue.close()
    const reopened = await JobQueue.open({ historyPath, maxFinishedJobs: max })
    // The backup that was running is now interrupted, the newest finished job, and listed with the rest.
    expect(reopened.getJobStatus(longBackup.id)).toBe('interrupted')
    expect(reopened.listJobs().map((job) => job.id)).toEqual(
      [...newest.slice(1)].reverse().concat(longBackup.id),
    )
    expect(await linesOf(historyPath)).toHaveLength(max)
    await reopened.close()
  })

  it('reads back the newest N after a restart, from a history that grew without a bound', async () => {
    const clock = steppingClock()
    const unbounded = await JobQueue.open({
      historyPath,
      maxFinishedJobs: 10_000,
      concurrency: 1,
      now: clock,
    })
    const jobs = Array.from({ length: 50 }, (_, i) => unbounded.enqueue(`job ${i}`, async () => i))
    await unbounded.waitFor(jobs.at(-1)!.id)
    await unbounded.close()

    const bounded = await JobQueue.open({ historyPath, maxFinishedJobs: 20, now: clock })
    expect(bounded.listJobs().map((job) => job.result)).toEqual(Array.from({ length: 20 }, (_, i) => 49 - i))
    expect(await linesOf(historyPath)).toHaveLength(20)
    await bounded.close()
  })
})
