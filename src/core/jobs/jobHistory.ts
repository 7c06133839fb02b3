import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { JobSnapshotSchema, isFinishedStatus, type JobSnapshot } from '../../shared/jobs.js'
import { errnoCode } from '../errors.js'

/**
 * Job history on disk: an append-only JSON-lines journal, one fsynced line per state change, compacted
 * by atomic replacement (temp file, fsync, rename). A crash can tear only the last line, which is skipped;
 * every line before it survives.
 */
export class JobHistory {
  private writes: Promise<void> = Promise.resolve()

  private constructor(
    readonly filePath: string,
    private handle: fsp.FileHandle,
  ) {}

  /** Reads the journal; jobs that were queued or running when the process died come back `interrupted`. */
  static async open(filePath: string, now: number): Promise<{ history: JobHistory; jobs: JobSnapshot[] }> {
    await fsp.mkdir(path.dirname(filePath), { recursive: true })
    const jobs = [...(await readJournal(filePath)).values()].map((job) =>
      isFinishedStatus(job.status)
        ? job
        : {
            ...job,
            status: 'interrupted' as const,
            finishedAt: now,
            error: { type: 'Interrupted', message: 'The app stopped while this job was queued or running' },
          },
    )
    await writeAtomically(filePath, jobs)
    const history = new JobHistory(filePath, await fsp.open(filePath, 'a'))
    return { history, jobs }
  }

  /** Appends a state; resolves once it is on disk. Writes are serialised so lines never interleave. */
  record(job: JobSnapshot): Promise<void> {
    return this.enqueue(async () => {
      await this.handle.write(JSON.stringify(job) + '\n')
      await this.handle.sync()
    })
  }

  /** Rewrites the journal with exactly these jobs (after a cleanup), atomically. */
  replaceAll(jobs: JobSnapshot[]): Promise<void> {
    return this.enqueue(async () => {
      await this.handle.close()
      await writeAtomically(this.filePath, jobs)
      this.handle = await fsp.open(this.filePath, 'a')
    })
  }

  flushed(): Promise<void> {
    return this.writes
  }

  close(): Promise<void> {
    return this.enqueue(() => this.handle.close())
  }

  private enqueue(write: () => Promise<void>): Promise<void> {
    const next = this.writes.then(write)
    // A failed write must not block the ones after it; the caller still sees its own failure.
    this.writes = next.catch(() => undefined)
    return next
  }
}

async function readJournal(filePath: string): Promise<Map<string, JobSnapshot>> {
  const jobs = new Map<string, JobSnapshot>()
  let text: string
  try {
    text = await fsp.readFile(filePath, 'utf8')
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return jobs
    throw error
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      const job = JobSnapshotSchema.safeParse(JSON.parse(line))
      if (job.success) jobs.set(job.data.id, job.data)
    } catch {
      // A torn line from a crash, or a damaged one: skip it, keep the rest.
    }
  }
  return jobs
}

async function writeAtomically(filePath: string, jobs: JobSnapshot[]): Promise<void> {
  const temp = `${filePath}.tmp-${process.pid}`
  const handle = await fsp.open(temp, 'w')
  try {
    await handle.writeFile(jobs.map((job) => JSON.stringify(job) + '\n').join(''))
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fsp.rename(temp, filePath)
  // The rename itself is durable only once the folder is synced.
  const dir = fs.openSync(path.dirname(filePath), 'r')
  try {
    fs.fsyncSync(dir)
  } finally {
    fs.closeSync(dir)
  }
}
