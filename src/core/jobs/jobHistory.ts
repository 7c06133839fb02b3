import fsp from 'node:fs/promises'
import path from 'node:path'
import { JobSnapshotSchema, isFinishedStatus, type JobSnapshot } from '../../shared/jobs.js'
import { describeError, errnoCode } from '../errors.js'
import { writeFileAtomically } from '../files/writeFileAtomically.js'

/** How many finished jobs the history keeps unless told otherwise: months of use for a field station. */
export const DEFAULT_MAX_FINISHED_JOBS = 1000

/**
 * Finished jobs beyond the newest `max` (newest by finish time, then by order in `jobs`): what a bounded
 * history forgets. Queued and running jobs are never among them.
 */
export function finishedBeyond(jobs: Iterable<JobSnapshot>, max: number): JobSnapshot[] {
  const finished = [...jobs].filter((job) => isFinishedStatus(job.status))
  if (finished.length <= max) return []
  // A stable sort keeps jobs that finished in the same millisecond in their recorded order.
  finished.sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0))
  return finished.slice(0, finished.length - Math.max(0, max))
}

/**
 * Job history on disk: an append-only JSON-lines journal, one fsynced line per state change, compacted
 * by atomic replacement (temp file, fsync, rename). A crash can tear only the last line, which is skipped;
 * every line before it survives, and a crash during compaction leaves the previous journal whole.
 *
 * The history is bounded: it keeps the newest `maxFinishedJobs` finished jobs (and every unfinished one),
 * and rewrites the journal once it has grown well beyond what that needs, so a long-running `serve` (each
 * job's result can be large) does not fill the disk.
 */
export class JobHistory {
  private writes: Promise<void> = Promise.resolve()
  /** Each job's latest state, for compaction: the file holds these plus the states they superseded. */
  private readonly latest = new Map<string, JobSnapshot>()
  private linesInFile = 0
  private compactAfterLines = 0

  private constructor(
    readonly filePath: string,
    private handle: fsp.FileHandle | undefined,
    private readonly maxFinishedJobs: number,
    jobs: JobSnapshot[],
  ) {
    this.rewritten(jobs)
  }

  /**
   * Reads the journal; jobs that were queued or running when the process died come back `interrupted`.
   * Only the newest `maxFinishedJobs` finished jobs are kept, and the journal is rewritten with exactly them.
   */
  static async open(
    filePath: string,
    now: number,
    maxFinishedJobs = DEFAULT_MAX_FINISHED_JOBS,
  ): Promise<{ history: JobHistory; jobs: JobSnapshot[] }> {
    await fsp.mkdir(path.dirname(filePath), { recursive: true })
    await removeLeftoverTempFiles(filePath)
    const all = [...(await readJournal(filePath)).values()].map((job) =>
      isFinishedStatus(job.status)
        ? job
        : {
            ...job,
            status: 'interrupted' as const,
            finishedAt: now,
            error: { type: 'Interrupted', message: 'The app stopped while this job was queued or running' },
          },
    )
    const forgotten = new Set(finishedBeyond(all, maxFinishedJobs))
    const jobs = all.filter((job) => !forgotten.has(job))
    await writeAtomically(filePath, jobs)
    const history = new JobHistory(filePath, await fsp.open(filePath, 'a'), maxFinishedJobs, jobs)
    return { history, jobs }
  }

  /**
   * Appends a state; resolves once it is on disk. Writes are serialised so lines never interleave. When the
   * journal has grown well beyond the bound, it is compacted after the line is written.
   */
  record(job: JobSnapshot): Promise<void> {
    return this.enqueue(async () => {
      const handle = (this.handle ??= await fsp.open(this.filePath, 'a'))
      await handle.write(JSON.stringify(job) + '\n')
      await handle.sync()
      this.latest.set(job.id, job)
      this.linesInFile++
      if (this.linesInFile > this.compactAfterLines) await this.compact()
    })
  }

  /** Rewrites the journal with exactly these jobs (after a cleanup), atomically. */
  replaceAll(jobs: JobSnapshot[]): Promise<void> {
    return this.enqueue(() => this.rewrite(jobs))
  }

  flushed(): Promise<void> {
    return this.writes
  }

  close(): Promise<void> {
    return this.enqueue(async () => {
      await this.handle?.close()
      this.handle = undefined
    })
  }

  /** Keeps every unfinished job and the newest finished ones; each kept job becomes one line. */
  private async compact(): Promise<void> {
    const forgotten = new Set(finishedBeyond(this.latest.values(), this.maxFinishedJobs))
    try {
      await this.rewrite([...this.latest.values()].filter((job) => !forgotten.has(job)))
    } catch (error) {
      // The line that triggered this is on disk, and the old journal is whole: only the trimming failed
      // (a full disk, say). Try again after as many lines again rather than on every write.
      this.compactAfterLines = this.linesInFile + 2 * Math.max(this.maxFinishedJobs, 16)
      console.warn(`Could not compact the job history ${this.filePath}: ${describeError(error)}`)
    }
  }

  private async rewrite(jobs: JobSnapshot[]): Promise<void> {
    // Closed first: Windows cannot rename over an open file. The next write reopens it if this fails.
    await this.handle?.close()
    this.handle = undefined
    // Until the rename the old journal is untouched, so a crash here leaves the history as it was.
    await writeAtomically(this.filePath, jobs)
    this.handle = await fsp.open(this.filePath, 'a')
    this.rewritten(jobs)
  }

  private rewritten(jobs: JobSnapshot[]): void {
    this.latest.clear()
    for (const job of jobs) this.latest.set(job.id, job)
    this.linesInFile = jobs.length
    // About three lines per job (queued, running, final): the next compaction comes after roughly
    // 2/3 × max more jobs, so the file stays within a few times the bound and rewrites stay rare.
    this.compactAfterLines = jobs.length + 2 * Math.max(this.maxFinishedJobs, 16)
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

/**
 * A crash during a compaction leaves its temp file (named by the dead process's id, so never reused); it
 * never holds anything the journal does not, and would otherwise stay forever.
 */
async function removeLeftoverTempFiles(filePath: string): Promise<void> {
  const prefix = `${path.basename(filePath)}.tmp-`
  const dir = path.dirname(filePath)
  for (const name of await fsp.readdir(dir)) {
    if (name.startsWith(prefix)) await fsp.rm(path.join(dir, name), { force: true })
  }
}

const writeAtomically = (filePath: string, jobs: JobSnapshot[]): Promise<void> =>
  writeFileAtomically(filePath, jobs.map((job) => JSON.stringify(job) + '\n').join(''))
