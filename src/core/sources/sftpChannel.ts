import type { Attributes, FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2'
import { CompanionError, describeError } from '../errors.js'

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02 §7) as the errno codes the rest of core checks. */
const ERRNO_OF_STATUS: Record<number, string> = {
  1: 'EOF',
  2: 'ENOENT',
  3: 'EACCES',
  4: 'EIO',
  5: 'EBADMSG',
  8: 'ENOTSUP',
}

/** statvfs@openssh.com's answer, in bytes. */
export interface RemoteVolume {
  totalBytes: number
  freeBytes: number
  availableBytes: number
}

/**
 * One SFTP channel with promises, and one rule for errors: a status the server answered becomes an error
 * with an errno-style `code` (`ENOENT`, `EACCES`…); anything else (no answer, channel closed) means the link
 * is gone and becomes CONNECTION_LOST, after which `onLinkLost` lets the owner reconnect. Paths are passed
 * as protocol fields, never through a shell.
 */
export class SftpChannel {
  constructor(
    readonly sftp: SFTPWrapper,
    private readonly onLinkLost: (error: unknown) => void,
  ) {
    sftp.once('close', () => (this.gone = true))
  }

  /** Set once the channel closed or a request found the link dead: ssh2 keeps an SFTP channel "open" then. */
  private gone = false

  /** Requests in flight: the pool hands new streams to the least busy channel. */
  busy = 0

  /**
   * ssh2 silently drops a request sent on a closed channel and never calls back, so every request checks
   * first: a closed channel fails at once instead of hanging a backup forever.
   */
  get isOpen(): boolean {
    return (
      !this.gone && (this.sftp as unknown as { outgoing?: { state?: string } }).outgoing?.state === 'open'
    )
  }

  /**
   * The largest READ the server answers in one piece (OpenSSH: 255 KiB, from limits@openssh.com); ssh2
   * splits larger ones into requests sent one after another.
   */
  get maxReadLength(): number {
    const max = (this.sftp as unknown as { _maxReadLen?: unknown })._maxReadLen
    return typeof max === 'number' && max > 0 ? max : 32 * 1024
  }

  private lostNow(what: string): CompanionError {
    this.gone = true
    this.onLinkLost(undefined)
    return new CompanionError('CONNECTION_LOST', `The connection to the box dropped (${what})`)
  }

  private call<T>(what: string, start: (done: (error: Error | undefined | null, value?: T) => void) => void) {
    if (!this.isOpen) return Promise.reject(this.lostNow(what))
    this.busy++
    return new Promise<T>((resolve, reject) => {
      try {
        start((error, value) => {
          this.busy--
          if (error) reject(this.translate(error, what))
          else resolve(value as T)
        })
      } catch (error) {
        // Thrown before anything was sent: a missing extension or a bad argument, never a lost link.
        this.busy--
        reject(
          Object.assign(new Error(`${what}: ${describeError(error)}`), { code: 'ENOTSUP', cause: error }),
        )
      }
    })
  }

  translate(error: unknown, what: string): Error {
    const status =
      typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
    if (typeof status === 'number' && ERRNO_OF_STATUS[status] !== undefined) {
      return Object.assign(new Error(`${what}: ${describeError(error)}`), {
        code: ERRNO_OF_STATUS[status],
        status,
      })
    }
    this.gone = true
    this.onLinkLost(error)
    return new CompanionError('CONNECTION_LOST', `The connection to the box dropped (${what})`, {
      cause: error,
    })
  }

  stat(path: string): Promise<Stats> {
    return this.call(`stat ${path}`, (done) => this.sftp.stat(path, done))
  }

  readdir(path: string): Promise<FileEntryWithStats[]> {
    return this.call(`list ${path}`, (done) => this.sftp.readdir(path, done))
  }

  open(path: string, flags: 'r' | 'w' | 'wx'): Promise<Buffer> {
    return this.call(`open ${path}`, (done) => this.sftp.open(path, flags, done))
  }

  fstat(handle: Buffer, path: string): Promise<Stats> {
    return this.call(`stat ${path}`, (done) => this.sftp.fstat(handle, done))
  }

  /** Bytes read at `position` into `buffer[offset…]`; 0 at the end of the file (the EOF status). */
  read(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (!this.isOpen) return Promise.reject(this.lostNow('read'))
    this.busy++
    return new Promise<number>((resolve, reject) => {
      this.sftp.read(handle, buffer, offset, length, position, (error, bytesRead) => {
        this.busy--
        if (!error) return resolve(bytesRead)
        const translated = this.translate(error, 'read')
        if ((translated as { code?: string }).code === 'EOF') resolve(0)
        else reject(translated)
      })
    })
  }

  write(handle: Buffer, data: Buffer, position: number): Promise<void> {
    return this.call('write', (done) => this.sftp.write(handle, data, 0, data.length, position, done))
  }

  close(handle: Buffer): Promise<void> {
    return this.call('close', (done) => this.sftp.close(handle, done))
  }

  /** fsync@openssh.com where the server has it; elsewhere a closed file is as durable as the server makes it. */
  async fsync(handle: Buffer): Promise<void> {
    try {
      await this.call('fsync', (done) => this.sftp.ext_openssh_fsync(handle, done))
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOTSUP') throw error
    }
  }

  unlink(path: string): Promise<void> {
    return this.call(`delete ${path}`, (done) => this.sftp.unlink(path, done))
  }

  /** SFTP v3 rename: OpenSSH refuses an existing target (link+unlink), which is what organize needs. */
  rename(from: string, to: string): Promise<void> {
    return this.call(`rename ${from}`, (done) => this.sftp.rename(from, to, done))
  }

  /** posix-rename@openssh.com: atomically replaces the target (write-then-rename of a whole file). */
  replace(from: string, to: string): Promise<void> {
    return this.call(`rename ${from}`, (done) => this.sftp.ext_openssh_rename(from, to, done))
  }

  mkdir(path: string): Promise<void> {
    return this.call(`create folder ${path}`, (done) => this.sftp.mkdir(path, done))
  }

  rmdir(path: string): Promise<void> {
    return this.call(`remove folder ${path}`, (done) => this.sftp.rmdir(path, done))
  }

  realpath(path: string): Promise<string> {
    return this.call(`resolve ${path}`, (done) => this.sftp.realpath(path, done))
  }

  setTimes(path: string, attrs: Pick<Attributes, 'atime' | 'mtime'>): Promise<void> {
    return this.call(`set times ${path}`, (done) => this.sftp.setstat(path, attrs, done))
  }

  async statvfs(path: string): Promise<RemoteVolume> {
    const info = await this.call<Record<string, number>>(`disk space of ${path}`, (done) =>
      this.sftp.ext_openssh_statvfs(path, done),
    )
    const blockSize = Number(info['f_frsize'] || info['f_bsize'])
    return {
      totalBytes: Number(info['f_blocks']) * blockSize,
      freeBytes: Number(info['f_bfree']) * blockSize,
      availableBytes: Number(info['f_bavail']) * blockSize,
    }
  }

  end(): void {
    this.sftp.end()
  }
}
