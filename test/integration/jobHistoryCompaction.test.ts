import { spawn } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JobQueue } from '../../src/core/jobs/index.js'

const child = fileURLToPath(new URL('../support/jobHistoryBoundChild.ts', import.meta.url))
const MAX = 16
let dir: string
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'job-compaction-'))
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

/**
 * Runs the child until it has printed `lines` lines, then kills it with SIGKILL a random moment later: the
 * child reports a job only once its record (and any compaction that record started) is done, so a kill
 * right on a report would never land inside a compaction.
 */
function runAndKill(historyPath: string, lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, historyPath, String(MAX)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let stderr = ''
    proc.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
    let isKillTimed = false
    proc.stdout.on('data', (data: Buffer) => {
      out += data.toString()
      if (isKillTimed || out.split('\n').length - 1 < lines) return
      isKillTimed = true
      setTimeout(() => proc.kill('SIGKILL'), Math.random() * 40)
    })
    proc.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed: ${stderr}`))
      // Only complete lines count: a line cut by the kill was not reported.
      else resolve(out.split('\n').slice(0, -1))
    })
  })
}

const leftoverTempFiles = async () =>
  (await fsp.readdir(dir)).filter((name) => name.startsWith('jobs.jsonl.tmp-'))

describe('a bounded job history across a SIGKILL', () => {
  it('keeps the newest jobs and a bounded file, also when killed in the middle of a compaction', async () => {
    const historyPath = path.join(dir, 'jobs.jsonl')
    let killedMidCompaction = 0
    // Until some kills have landed inside a compaction (its temp file written, not yet renamed).
    for (let round = 0; round < 40 && (round < 6 || killedMidCompaction < 2); round++) {
      const lines = await runAndKill(historyPath, 3 + Math.floor(Math.random() * 120))
      const done = lines.filter((line) => line.startsWith('done ')).map((line) => line.split(' '))
      const running = lines.find((line) => line.startsWith('running '))?.split(' ')[1]
      if ((await leftoverTempFiles()).length > 0) killedMidCompaction++

      const queue = await JobQueue.open({ historyPath, maxFinishedJobs: MAX })
      const listed = queue.listJobs()
      expect(listed.length).toBeLessThanOrEqual(MAX)
      // The job that was running comes back interrupted; the last jobs reported done are all there.
      if (running) expect(queue.getJobStatus(running)).toBe('interrupted')
      for (const [, id, , n] of done.slice(-(MAX - 2))) {
        expect(queue.getJob(id!)).toMatchObject({ status: 'completed', result: { n: Number(n) } })
      }
      await queue.close()
      expect(
        (await fsp.readFile(historyPath, 'utf8')).split('\n').filter(Boolean).length,
      ).toBeLessThanOrEqual(MAX)
      expect(await leftoverTempFiles()).toEqual([])
    }
    expect(killedMidCompaction).toBeGreaterThan(0)
  }, 240_000)
})
