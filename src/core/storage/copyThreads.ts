import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { CopyThreadData } from './copyThread.js'
import type { ThreadCopyReply, ThreadCopyRequest } from './threadedCopy.js'

/**
 * The copy threads of one backup run (entry: copyThread.ts), started on the first file and ended with the
 * run. Each takes one file at a time; a file goes to the thread with the fewest waiting. Cancelling the
 * run's signal reaches every thread at once through shared memory, between two chunks.
 */
export class CopyThreads {
  private readonly threads: CopyThread[] = []
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4))
  private nextId = 0
  private failure: Error | undefined

  constructor(
    private readonly count: number,
    signal?: AbortSignal,
  ) {
    const cancel = () => Atomics.store(this.cancelFlag, 0, 1)
    if (signal?.aborted) cancel()
    else signal?.addEventListener('abort', cancel, { once: true })
  }

  copy(request: Omit<ThreadCopyRequest, 'id'>, onBytes: (bytes: number) => void): Promise<ThreadCopyReply> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.threads.length < this.count) this.threads.push(this.start())
    const thread = this.threads.reduce((least, each) =>
      each.pending.size < least.pending.size ? each : least,
    )
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject, onBytes })
      thread.worker.postMessage({ ...request, id } satisfies ThreadCopyRequest)
    })
  }

  /** Ends every thread; any file still waiting fails (the run is over). */
  async close(): Promise<void> {
    const threads = this.threads.splice(0)
    await Promise.all(threads.map((thread) => thread.worker.terminate()))
  }

  private start(): CopyThread {
    const thread: CopyThread = {
      worker: startCopyThread({ cancelFlag: this.cancelFlag }),
      pending: new Map(),
    }
    thread.worker.on('message', (message: ThreadCopyReply | { progress: [number, number] }) => {
      if ('progress' in message) {
        const [id, bytes] = message.progress
        thread.pending.get(id)?.onBytes(bytes)
        return
      }
      thread.pending.get(message.id)?.resolve(message)
      thread.pending.delete(message.id)
    })
    // A thread that fails is a fault of this program, not of a drive or the card: the run stops, saying so.
    const fail = (error: Error) => {
      this.failure ??= new Error(`A copy thread failed: ${error.message}`, { cause: error })
      for (const { reject } of thread.pending.values()) reject(this.failure)
      thread.pending.clear()
    }
    thread.worker.on('error', fail)
    thread.worker.on('exit', (code) => {
      if (thread.pending.size > 0) fail(new Error(`it stopped (exit code ${code})`))
    })
    return thread
  }
}

interface CopyThread {
  worker: Worker
  pending: Map<
    number,
    {
      resolve: (reply: ThreadCopyReply) => void
      reject: (error: Error) => void
      onBytes: (bytes: number) => void
    }
  >
}

/**
 * The thread's entry file. From the sources (tests, `tsx`), copyThread.ts beside this file, started through
 * tsx's loader, which a thread does not inherit. In a build, the entry the bundler wrote beside the app's
 * or the CLI's own entry (scripts/build-cli.mjs, electron.vite.config.ts), while this module may sit in a
 * `chunks/` folder below it.
 */
function startCopyThread(data: CopyThreadData): Worker {
  const here = import.meta.url
  if (here.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api')
    const entry = new URL('./copyThread.ts', here).href
    const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
    return new Worker(boot, { eval: true, workerData: data })
  }
  const extension = here.endsWith('.mjs') ? 'mjs' : 'js'
  const entry = [`./copyThread.${extension}`, `../copyThread.${extension}`]
    .map((relative) => fileURLToPath(new URL(relative, here)))
    .find((candidate) => fs.existsSync(candidate))
  if (entry === undefined)
    throw new Error(
      `copyThread.${extension} is missing beside ${fileURLToPath(here)}: the build is incomplete`,
    )
  return new Worker(entry, { workerData: data })
}
