import { Readable } from 'node:stream'
import { CompanionError, isCompanionError } from '../errors.js'
import type { SftpChannel } from './sftpChannel.js'

/** A remote file opened for reading; `size` and `mtime` identify the version being read. */
export interface OpenedRemoteFile {
  channel: SftpChannel
  handle: Buffer
  size: number
  mtime: number
}

export interface SftpReadTuning {
  /** Bytes per READ request. OpenSSH answers up to 255 KiB; ssh2 splits larger ones. */
  chunkSize: number
  /** READ requests kept in flight per file: what hides the round trip (the link's latency). */
  requestsInFlight: number
}

/** Drops in a row that made no progress before a read gives up: the link comes back but dies at once. */
const MAX_RESUMES_WITHOUT_PROGRESS = 3

/**
 * A remote file front to back with several READ requests in flight, handed on in order. When the link drops
 * mid-file (CONNECTION_LOST), the file is opened again through `open`, which reconnects with backoff, and
 * reading resumes at the first byte not yet handed on: the consumer, writing a temp file, simply sees it
 * continue from its length. A file whose size or mtime changed meanwhile is not stitched together: the read
 * fails and the file is copied whole on the next run.
 */
export class SftpReadStream extends Readable {
  private file: OpenedRemoteFile | undefined
  /** Changes on every (re)open, so answers to requests on a dead handle are ignored. */
  private generation = 0
  /** Next byte to hand on, and next byte to request. */
  private position: number
  private nextRequest: number
  /** Parts re-requested after a short read, served before new requests. */
  private gaps: { offset: number; length: number }[] = []
  private inFlight = 0
  private readonly done = new Map<number, Buffer>()
  private resumesWithoutProgress = 0
  /** Size and mtime at the first open: a resumed read must continue the same version of the file. */
  private version: { size: number; mtime: number } | undefined
  private reopening = false
  private ended = false

  constructor(
    private readonly open: () => Promise<OpenedRemoteFile>,
    private readonly path: string,
    private readonly tuning: SftpReadTuning,
    options: { start?: number; signal?: AbortSignal } = {},
  ) {
    super({ highWaterMark: tuning.chunkSize, ...(options.signal ? { signal: options.signal } : {}) })
    this.position = options.start ?? 0
    this.nextRequest = this.position
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.open().then(
      (file) => {
        this.file = file
        this.version = { size: file.size, mtime: file.mtime }
        this.generation++
        callback()
      },
      (error: Error) => callback(error),
    )
  }

  override _read(): void {
    this.pump()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.ended = true
    const file = this.file
    this.file = undefined
    // The handle is closed whatever happened: a server allows only so many open files (about 1 000). Not
    // awaited: on a link that is going down the answer may never come.
    if (file) file.channel.close(file.handle).catch(() => undefined)
    callback(error)
  }

  private pump(): void {
    const file = this.file
    if (!file || this.reopening || this.ended) return
    if (this.position >= file.size && this.inFlight === 0) return void this.finish()
    while (this.inFlight < this.tuning.requestsInFlight) {
      const gap = this.gaps.shift()
      if (gap) {
        this.request(file, gap.offset, gap.length)
        continue
      }
      if (this.nextRequest >= file.size) break
      // Larger than the server takes, ssh2 would split each request into sequential round trips.
      const length = Math.min(this.tuning.chunkSize, file.channel.maxReadLength, file.size - this.nextRequest)
      this.request(file, this.nextRequest, length)
      this.nextRequest += length
    }
  }

  private request(file: OpenedRemoteFile, offset: number, length: number): void {
    const generation = this.generation
    const buffer = Buffer.allocUnsafe(length)
    this.inFlight++
    file.channel.read(file.handle, buffer, 0, length, offset).then(
      (bytesRead) => {
        if (generation !== this.generation || this.ended) return
        this.inFlight--
        if (bytesRead === 0) {
          return void this.destroy(
            Object.assign(new Error(`${this.path} got shorter on the box while it was read`), {
              code: 'EIO',
            }),
          )
        }
        this.done.set(offset, bytesRead === length ? buffer : buffer.subarray(0, bytesRead))
        // A server may answer with fewer bytes than asked without being at the end: ask for the rest.
        if (bytesRead < length) this.gaps.push({ offset: offset + bytesRead, length: length - bytesRead })
        if (this.handOn()) this.pump()
      },
      (error: unknown) => {
        if (generation !== this.generation || this.ended) return
        this.inFlight--
        if (isCompanionError(error) && error.code === 'CONNECTION_LOST') void this.reopenAfterDrop(error)
        else this.destroy(error as Error)
      },
    )
  }

  /** Pushes every chunk that continues the file; false when the consumer wants no more for now. */
  private handOn(): boolean {
    let wantsMore = true
    for (let chunk = this.done.get(this.position); chunk; chunk = this.done.get(this.position)) {
      this.done.delete(this.position)
      this.position += chunk.length
      this.resumesWithoutProgress = 0
      wantsMore = this.push(chunk)
    }
    return wantsMore
  }

  private async reopenAfterDrop(error: CompanionError): Promise<void> {
    if (this.reopening) return
    this.reopening = true
    this.generation++
    this.inFlight = 0
    this.done.clear()
    this.gaps = []
    this.nextRequest = this.position
    this.file = undefined
    if (++this.resumesWithoutProgress > MAX_RESUMES_WITHOUT_PROGRESS) {
      return void this.destroy(
        new CompanionError(
          'CONNECTION_FAILED',
          `The link to the box keeps dropping while reading ${this.path}; giving up for now`,
          { cause: error },
        ),
      )
    }
    try {
      const file = await this.open()
      if (this.ended) return void file.channel.close(file.handle).catch(() => undefined)
      if (file.size !== this.version?.size || file.mtime !== this.version.mtime) {
        void file.channel.close(file.handle).catch(() => undefined)
        return void this.destroy(
          Object.assign(new Error(`${this.path} changed on the box while the link was down`), {
            code: 'EIO',
          }),
        )
      }
      this.file = file
      this.reopening = false
      this.pump()
    } catch (reopenError) {
      this.destroy(reopenError as Error)
    }
  }

  private finish(): void {
    const file = this.file
    this.file = undefined
    this.ended = true
    if (!file) return void this.push(null)
    // Every byte is read: a link that drops while the handle closes loses nothing (the server closes it).
    const end = () => this.push(null)
    file.channel.close(file.handle).then(end, end)
  }
}
