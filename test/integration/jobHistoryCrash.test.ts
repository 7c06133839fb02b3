import { spawn } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JobQueue } from '../../src/core/jobs/index.js'

const child = fileURLToPath(new URL('../support/jobHistoryChild.ts', import.meta.url))
let dir: string
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'job-crash-'))
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

/** Runs the child until it has printed `lines` job lines, then kills it with SIGKILL mid-write. */
function runAndKill(historyPath: string, lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, historyPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let stderr = ''
    proc.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
    proc.stdout.on('data', (data: Buffer) => {
      out += data.toString()
      if (out.split('\n').length - 1 >= lines) proc.kill('SIGKILL')
    })
    proc.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed: ${stderr}`))
      // Only complete lines count: a line cut by the kill was not reported.
      else resolve(out.split('\n').slice(0, -1))
    })
  })
}

describe('job history across a SIGKILL', () => {
  it('keeps every job reported finished and marks running ones interrupted, at random kill points', async () => {
    const historyPath = path.join(dir, 'jobs.jsonl')
    const reportedDone = new Map<string, number>()
    const reportedRunning: string[] = []
    for (let round = 0; round < 6; round++) {
      const lines = await runAndKill(historyPath, 3 + Math.floor(Math.random() * 400))
      for (const line of lines) {
        const [kind, id, , n] = line.split(' ')
        if (kind === 'done') reportedDone.set(id as string, Number(n))
        else if (kind === 'running') reportedRunning.push(id as string)
      }
      // As in the child: a bound no run reaches, so every job reported done must still be there.
      const queue = await JobQueue.open({ historyPath, maxFinishedJobs: 100_000 })
      for (const [id, n] of reportedDone) {
        expect(queue.getJob(id)).toMatchObject({ status: 'completed', result: { n } })
      }
      for (const id of reportedRunning) expect(queue.getJobStatus(id)).toBe('interrupted')
      // The file stays usable: a new job is recorded and read back.
      const extra = queue.enqueue('after crash', async () => round)
      await queue.waitFor(extra.id)
      await queue.close()
      const reread = await JobQueue.open({ historyPath, maxFinishedJobs: 100_000 })
      expect(reread.getJob(extra.id)?.result).toBe(round)
      await reread.close()
    }
    expect(reportedDone.size).toBeGreaterThan(20)
  }, 120_000)
})
