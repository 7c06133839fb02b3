import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JobQueue, type JobContext } from '../../../src/core/jobs/index.js'
import { CompanionError } from '../../../src/core/errors.js'
import type { JobSnapshot } from '../../../src/shared/jobs.js'

/** How long and how often a test polls for something that happens in the background. */
const polling = { timeout: 5_000, interval: 5 }

let dir: string
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'jobs-'))
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

/** A task that runs until the test lets it go (or its signal aborts). */
function gate() {
  let release: (value?: unknown) => void = () => undefined
  const released = new Promise((resolve) => (release = resolve))
  const started: JobContext[] = []
  const task = async (context: JobContext) => {
    started.push(context)
    await Promise.race([
      released,
      new Promise((_, reject) =>
        context.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      ),
    ])
    return 'done'
  }
  return { task, release, started }
}

describe('JobQueue', () => {
  it('returns a queued job at once and completes it with its result', async () => {
    const queue = JobQueue.inMemory()
    const job = queue.enqueue('sum', async () => ({ total: 3 }))
    expect(job.status).toBe('queued')
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/)
    const final = await queue.waitFor(job.id)
    expect(final).toMatchObject({ status: 'completed', result: { total: 3 }, name: 'sum' })
    expect(final?.startedAt).toBeGreaterThanOrEqual(job.createdAt)
    expect(final?.finishedAt).toBeGreaterThanOrEqual(final?.startedAt ?? 0)
    expect(queue.getJobStatus(job.id)).toBe('completed')
  })

  it('never runs more than `concurrency` tasks at once, and starts them in order', async () => {
    const queue = JobQueue.inMemory({ concurrency: 2 })
    const gates = [gate(), gate(), gate(), gate()]
    const jobs = gates.map((g, i) => queue.enqueue(`job ${i}`, g.task))
    await vi.waitUntil(() => gates[0]!.started.length + gates[1]!.started.length === 2, polling)
    expect(jobs.map((job) => queue.getJobStatus(job.id))).toEqual(['running', 'running', 'queued', 'queued'])
    gates[1]!.release()
    await vi.waitUntil(() => gates[2]!.started.length === 1, polling)
    expect(queue.getJobStatus(jobs[3]!.id)).toBe('queued')
    gates.forEach((g) => g.release())
    await Promise.all(jobs.map((job) => queue.waitFor(job.id)))
    expect(queue.listJobs().every((job) => job.status === 'completed')).toBe(true)
  })

  it('cancels a queued job at once and a running one through its signal', async () => {
    const queue = JobQueue.inMemory({ concurrency: 1 })
    const running = gate()
    const first = queue.enqueue('long', running.task)
    const second = queue.enqueue('waiting', async () => 'never')
    await vi.waitUntil(() => running.started.length === 1, polling)
    expect(queue.cancelJob(second.id)).toBe(true)
    expect(queue.getJobStatus(second.id)).toBe('cancelled')
    expect(queue.cancelJob(first.id)).toBe(true)
    expect(running.started[0]!.signal.aborted).toBe(true)
    expect((await queue.waitFor(first.id))?.status).toBe('cancelled')
    expect(queue.cancelJob(first.id)).toBe(false)
  })

  it('answers an unknown id with undefined or false, never a throw', async () => {
    const queue = JobQueue.inMemory()
    expect(queue.getJob('nope')).toBeUndefined()
    expect(queue.getJobStatus('nope')).toBeUndefined()
    expect(queue.cancelJob('nope')).toBe(false)
    expect(await queue.waitFor('nope')).toBeUndefined()
  })

  it('turns whatever a task throws into a readable error', async () => {
    const queue = JobQueue.inMemory({ concurrency: 4 })
    const thrown: unknown[] = [
      new TypeError('bad type'),
      'a plain string',
      { reason: 'an object' },
      undefined,
      new CompanionError('DESTINATION_FULL', 'The drive is full'),
    ]
    const jobs = thrown.map((value) =>
      queue.enqueue('fails', async () => {
        throw value
      }),
    )
    const errors = (await Promise.all(jobs.map((job) => queue.waitFor(job.id)))).map((job) => job?.error)
    expect(errors).toEqual([
      { type: 'TypeError', message: 'bad type' },
      { type: 'Error', message: 'a plain string' },
      { type: 'Error', message: '{"reason":"an object"}' },
      { type: 'Error', message: 'The task failed without a reason' },
      { type: 'DESTINATION_FULL', message: 'The drive is full' },
    ])
  })

  it('throttles progress events but always delivers the final state', async () => {
    const queue = JobQueue.inMemory({ progressIntervalMs: 1000 })
    const events: JobSnapshot[] = []
    queue.subscribe((job) => events.push(job))
    const job = queue.enqueue('copy', async ({ progress }) => {
      for (let i = 1; i <= 500; i++) progress({ bytesDone: i * 1000, bytesTotal: 500_000, filesDone: i })
      return 'ok'
    })
    await queue.waitFor(job.id)
    const statuses = events.map((event) => event.status)
    expect(statuses[0]).toBe('queued')
    expect(statuses.at(-1)).toBe('completed')
    // 500 updates inside one interval: the first tick goes out, the rest are coalesced.
    expect(events.filter((event) => event.status === 'running').length).toBeLessThanOrEqual(3)
    expect(events.at(-1)?.progress).toMatchObject({ bytesDone: 500_000, filesDone: 500, fraction: 1 })
  })

  it('derives speed and ETA from bytes progress', async () => {
    let clock = 1_000
    const queue = JobQueue.inMemory({ now: () => clock, progressIntervalMs: 0 })
    const seen: JobSnapshot[] = []
    queue.subscribe((job) => seen.push(job))
    const g = gate()
    const job = queue.enqueue('copy', g.task)
    await vi.waitUntil(() => g.started.length === 1, polling)
    const { progress } = g.started[0]!
    progress({ bytesDone: 0, bytesTotal: 10_000_000 })
    clock += 1000
    progress({ bytesDone: 2_000_000 })
    clock += 1000
    progress({ bytesDone: 4_000_000 })
    expect(queue.getJob(job.id)?.progress).toMatchObject({
      bytesPerSecond: 2_000_000,
      etaSeconds: 3,
      fraction: 0.4,
    })
    g.release()
    await queue.waitFor(job.id)
  })

  it('removes finished jobs older than the given age, and only those', async () => {
    let clock = 1_000_000
    const queue = await JobQueue.open({ historyPath: path.join(dir, 'jobs.jsonl'), now: () => clock })
    const old = queue.enqueue('old', async () => 1)
    await queue.waitFor(old.id)
    clock += 60_000
    const recent = queue.enqueue('recent', async () => 2)
    await queue.waitFor(recent.id)
    const g = gate()
    const running = queue.enqueue('running', g.task)
    await vi.waitUntil(() => g.started.length === 1, polling)
    expect(await queue.cleanupOldJobs(30_000)).toBe(1)
    expect(queue.getJob(old.id)).toBeUndefined()
    expect(queue.getJob(recent.id)).toBeDefined()
    expect(queue.getJob(running.id)).toBeDefined()
    g.release()
    await queue.waitFor(running.id)
    await queue.close()
    const reopened = await JobQueue.open({ historyPath: path.join(dir, 'jobs.jsonl') })
    expect(reopened.listJobs().map((job) => job.name)).toEqual(['running', 'recent'])
    await reopened.close()
  })

  it('brings finished jobs back after a restart and marks unfinished ones interrupted', async () => {
    const historyPath = path.join(dir, 'history', 'jobs.jsonl')
    const queue = await JobQueue.open({ historyPath, concurrency: 1 })
    const done = queue.enqueue('done', async () => ({ copied: 7 }))
    await queue.waitFor(done.id)
    const g = gate()
    const running = queue.enqueue('running', g.task)
    const waiting = queue.enqueue('waiting', async () => 0)
    await vi.waitUntil(() => g.started.length === 1, polling)
    await queue.flushed()
    // Simulate a crash: nothing is closed, a new queue opens the same file.
    const reopened = await JobQueue.open({ historyPath })
    expect(reopened.getJob(done.id)).toMatchObject({ status: 'completed', result: { copied: 7 } })
    expect(reopened.getJob(running.id)).toMatchObject({
      status: 'interrupted',
      error: { type: 'Interrupted' },
    })
    expect(reopened.getJobStatus(waiting.id)).toBe('interrupted')
    g.release()
    await reopened.close()
  })

  it('keeps earlier history when the last line was torn by a crash', async () => {
    const historyPath = path.join(dir, 'jobs.jsonl')
    const queue = await JobQueue.open({ historyPath })
    const job = queue.enqueue('kept', async () => 'yes')
    await queue.waitFor(job.id)
    await queue.close()
    await fsp.appendFile(historyPath, '{"id":"3f1c2a44-0000-4000-8000-00000000000')
    const reopened = await JobQueue.open({ historyPath })
    expect(reopened.getJob(job.id)).toMatchObject({ status: 'completed', result: 'yes' })
    const next = reopened.enqueue('after', async () => 'also')
    await reopened.waitFor(next.id)
    await reopened.close()
    const again = await JobQueue.open({ historyPath })
    expect(again.listJobs().map((j) => j.name)).toEqual(['after', 'kept'])
    await again.close()
  })
})
