import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { CopyThreadData, CopyThreadMessage } from './copyThread.js'
import type { ThreadCopyReply, ThreadCopyRequest } from './threadedCopy.js'

/** Drives one run can give up through shared memory; more than any laptop has ports for. */
const MAX_DRIVE_SLOTS = 64

/**
 * The copy threads of one backup run (entry: copyThread.ts), started with the first file and ended with the
 * run. A thread takes one file at a time, the next waiting one as soon as it is free (never a queue of its
 * own behind a large video while another thread is idle). Two things reach every thread at once through
 * shared memory, read between chunks: the run was cancelled, or a drive was given up (its slot).
 */
export class CopyThreads {
  private readonly threads: CopyThread[] = []
  private readonly waiting: Waiting[] = []
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4))
  private readonly givenUp = new Int32Array(new SharedArrayBuffer(4 * MAX_DRIVE_SLOTS))
  private readonly slots = new Map<object, number>()
  private readonly onAbort = () => Atomics.store(this.cancelFlag, 0, 1)
  private nextId = 0
  private failure: Error | undefined

  constructor(
    private readonly count: number,
    private readonly signal?: AbortSignal,
  ) {
    if (signal?.aborted) this.onAbort()
    else signal?.addEventListener('abort', this.onAbort, { once: true })
  }

  /** The slot of a drive (any object standing for it), the same for the whole run. */
  slotOf(drive: object): number {
    let slot = this.slots.get(drive)
    if (slot === undefined) {
      if (this.slots.size >= MAX_DRIVE_SLOTS)
        throw new Error(`A backup writes to at most ${MAX_DRIVE_SLOTS} drives`)
      slot = this.slots.size
      this.slots.set(drive, slot)
    }
    return slot
  }

  /** Copies in flight or waiting stop writing to this drive at their next step. */
  giveUp(drive: object): void {
    Atomics.store(this.givenUp, this.slotOf(drive), 1)
  }

  copy(request: Omit<ThreadCopyRequest, 'id'>, onBytes: (bytes: number) => void): Promise<ThreadCopyReply> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiting.push({ request: { ...request, id: this.nextId++ }, resolve, reject, onBytes })
      this.pump()
    })
  }

  /** Ends every thread; a file still waiting fails (the run is over). */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort)
    for (const waiting of this.waiting.splice(0)) waiting.reject(new Error('The backup run ended'))
    const threads = this.threads.splice(0)
    await Promise.all(threads.map((thread) => thread.worker.terminate()))
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      let thread = this.threads.find((each) => each.current === undefined)
      if (!thread && this.threads.length < this.count) {
        thread = this.start()
        this.threads.push(thread)
      }
      if (!thread) return
      const next = this.waiting.shift() as Waiting
      thread.current = next
      thread.worker.postMessage(next.request)
    }
  }

  private start(): CopyThread {
    const data: CopyThreadData = { cancelFlag: this.cancelFlag, givenUp: this.givenUp }
    const thread: CopyThread = { worker: startCopyThread(data) }
    thread.worker.on('message', (message: CopyThreadMessage) => {
      const current = thread.current
      if (!current || current.request.id !== message.id) return
      if ('progress' in message) return current.onBytes(message.progress)
      thread.current = undefined
      if ('error' in message) current.reject(new Error(`A copy thread failed: ${message.error}`))
      else current.resolve(message)
      this.pump()
    })
    // A thread that fails is a fault of this program, not of a drive or the card: the run stops, saying so.
    const fail = (error: Error) => {
      this.failure ??= new Error(`A copy thread failed: ${error.message}`, { cause: error })
      thread.current?.reject(this.failure)
      thread.current = undefined
      for (const waiting of this.waiting.splice(0)) waiting.reject(this.failure)
    }
    thread.worker.on('error', fail)
    thread.worker.on('exit', (code) => {
      if (thread.current) fail(new Error(`it stopped (exit code ${code})`))
    })
    return thread
  }
}

interface Waiting {
  request: ThreadCopyRequest
  resolve: (reply: ThreadCopyReply) => void
  reject: (error: Error) => void
  onBytes: (bytes: number) => void
}

interface CopyThread {
  worker: Worker
  /** The file it is copying. */
  current?: Waiting
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
  if (entry === undefined) {
    throw new Error(
      `copyThread.${extension} is missing beside ${fileURLToPath(here)}: the build is incomplete`,
    )
  }
  return new Worker(unpackedFromAsar(entry), { workerData: data })
}

/**
 * In the packaged app the entry sits in app.asar, which only Electron's own file functions can read into;
 * electron-builder.yml unpacks the entry, its chunks and hash-wasm beside it, and the thread starts there.
 */
export function unpackedFromAsar(entry: string): string {
  const unpacked = entry.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2')
  return unpacked !== entry && fs.existsSync(unpacked) ? unpacked : entry
}
