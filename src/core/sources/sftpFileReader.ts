import { CompanionError, isCompanionError } from '../errors.js'
import type { SourceFileReader } from './photoSource.js'
import type { OpenedRemoteFile, SftpReadTuning } from './sftpReadStream.js'

/** Drops in a row that made no progress before a read gives up: the link comes back but dies at once. */
const MAX_RESUMES_WITHOUT_PROGRESS = 3
/** Idle request buffers kept for the next files (8 files × 16 requests of 255 KiB is 32 MiB at most). */
const MAX_IDLE_BUFFERS = 128

/** One READ request ahead of the caller: `filled` grows until it equals `length`. */
interface Slot {
  offset: number
  length: number
  buffer: Buffer
  filled: number
  pending: boolean
  error?: unknown
  wake?: () => void
}

/**
 * Request buffers shared by every reader. A buffer comes back only once ssh2 has answered its request (data,
 * status or a closed channel), so a late answer to an abandoned request never lands in another file's bytes.
 */
const idle = new Map<number, Buffer[]>()
const takeBuffer = (size: number): Buffer => idle.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size)
function giveBack(buffer: Buffer): void {
  let list = idle.get(buffer.length)
  if (!list) idle.set(buffer.length, (list = []))
  if (list.length < MAX_IDLE_BUFFERS) list.push(buffer)
}

const isLinkLost = (error: unknown) => isCompanionError(error) && error.code === 'CONNECTION_LOST'

/**
 * A remote file read at positions into the caller's buffer (backup's path: no allocation per chunk), with
 * `requestsInFlight` READ requests kept ahead of the caller so the link never waits for the disk or the hash.
 * Answers land in pooled request buffers and are copied out in order, at most one answer per read. When the
 * link drops, the file is opened again through `open` (which reconnects with backoff) and reading goes on from
 * the first byte not yet handed out; a file whose size or mtime changed meanwhile is refused rather than
 * stitched together.
 */
export class SftpFileReader implements SourceFileReader {
  private readonly slots: Slot[] = []
  /** First byte not yet handed to the caller, and first byte not yet requested. */
  private handed = 0
  private nextRequest = 0
  /** Bytes already copied out of the first slot. */
  private headUsed = 0
  private resumesWithoutProgress = 0
  private closed = false
  /** Set when the link dropped under a request: nothing more is asked of that handle. */
  private lost: CompanionError | undefined

  private constructor(
    private file: OpenedRemoteFile,
    private readonly open: () => Promise<OpenedRemoteFile>,
    private readonly path: string,
    private readonly tuning: SftpReadTuning,
  ) {}

  static async open(
    open: () => Promise<OpenedRemoteFile>,
    path: string,
    tuning: SftpReadTuning,
  ): Promise<SftpFileReader> {
    return new SftpFileReader(await open(), open, path, tuning)
  }

  async read(buffer: Buffer, position: number): Promise<number> {
    if (this.closed) throw new Error(`${this.path} was read after it was closed`)
    for (;;) {
      if (position >= this.file.size) return 0
      if (this.lost) await this.reopen(this.lost)
      if (position !== this.handed) this.restartAt(position)
      try {
        // What has arrived, not a full buffer: the caller writes it while the next answers are on their way.
        // Waiting to fill 1 MiB instead made a big file 1.7 × slower (SftpSource alone, 1 GB over loopback).
        this.topUp()
        const copied = await this.copyFromHead(buffer)
        this.topUp()
        this.resumesWithoutProgress = 0
        return copied
      } catch (error) {
        if (!isLinkLost(error)) throw error
        this.lost = error as CompanionError
        this.restartAt(position)
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.abandonSlots()
    // Sent at once but not awaited: saves a round trip per file, and on a link that is going down the answer
    // may never come (the server then closes the handle itself).
    void this.file.channel.close(this.file.handle).catch(() => undefined)
  }

  /** Copies what the first slot holds beyond `headUsed` (waiting for it if needed); returns bytes copied. */
  private async copyFromHead(buffer: Buffer): Promise<number> {
    const slot = this.slots[0] as Slot
    if (slot.pending) await new Promise<void>((resolve) => (slot.wake = resolve))
    if (slot.error !== undefined) throw slot.error
    const count = Math.min(slot.filled - this.headUsed, buffer.length)
    slot.buffer.copy(buffer, 0, this.headUsed, this.headUsed + count)
    this.headUsed += count
    this.handed += count
    if (this.headUsed === slot.length) {
      this.slots.shift()
      this.headUsed = 0
      giveBack(slot.buffer)
    }
    return count
  }

  /** Keeps `requestsInFlight` requests ahead of the caller, up to the size the file had when opened. */
  private topUp(): void {
    const { requestsInFlight } = this.tuning
    // Larger than the server takes, ssh2 would split each request into sequential round trips.
    const chunkSize = Math.min(this.tuning.chunkSize, this.file.channel.maxReadLength)
    while (this.slots.length < requestsInFlight && this.nextRequest < this.file.size) {
      const length = Math.min(chunkSize, this.file.size - this.nextRequest)
      const slot: Slot = {
        offset: this.nextRequest,
        length,
        buffer: takeBuffer(chunkSize),
        filled: 0,
        pending: true,
      }
      this.nextRequest += length
      this.slots.push(slot)
      this.request(slot, this.file)
    }
  }

  private request(slot: Slot, file: OpenedRemoteFile): void {
    const settle = (error?: unknown) => {
      slot.pending = false
      if (error !== undefined) slot.error = error
      const wake = slot.wake
      slot.wake = undefined
      wake?.()
    }
    file.channel
      .read(file.handle, slot.buffer, slot.filled, slot.length - slot.filled, slot.offset + slot.filled)
      .then(
        (bytesRead) => {
          // Abandoned (closed, restarted, or the link dropped): the buffer is free again only now.
          if (!this.slots.includes(slot)) return giveBack(slot.buffer)
          if (bytesRead === 0) {
            return settle(
              Object.assign(new Error(`${this.path} got shorter on the box while it was read`), {
                code: 'EIO',
              }),
            )
          }
          slot.filled += bytesRead
          // A server may answer with fewer bytes than asked without being at the end: ask for the rest.
          if (slot.filled < slot.length) return this.request(slot, file)
          settle()
        },
        (error: unknown) => {
          if (!this.slots.includes(slot)) return giveBack(slot.buffer)
          settle(error)
        },
      )
  }

  /** Forgets every request ahead (their answers are ignored) and continues from `position`. */
  private restartAt(position: number): void {
    this.abandonSlots()
    this.handed = position
    this.nextRequest = position
  }

  private abandonSlots(): void {
    for (const slot of this.slots.splice(0)) {
      // Answered slots are free now; pending ones return their buffer when their answer comes.
      if (!slot.pending) giveBack(slot.buffer)
      else {
        slot.error = new CompanionError('CANCELLED', `Reading ${this.path} was stopped`)
        slot.wake?.()
      }
    }
    this.headUsed = 0
  }

  private async reopen(error: CompanionError): Promise<void> {
    if (++this.resumesWithoutProgress > MAX_RESUMES_WITHOUT_PROGRESS) {
      throw new CompanionError(
        'CONNECTION_FAILED',
        `The link to the box keeps dropping while reading ${this.path}; giving up for now`,
        { cause: error },
      )
    }
    const file = await this.open()
    if (this.closed) return void file.channel.close(file.handle).catch(() => undefined)
    if (file.size !== this.file.size || file.mtime !== this.file.mtime) {
      void file.channel.close(file.handle).catch(() => undefined)
      throw Object.assign(new Error(`${this.path} changed on the box while the link was down`), {
        code: 'EIO',
      })
    }
    this.file = file
    this.lost = undefined
  }
}
