import os from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import type { Stats } from 'ssh2'
import { formatSftpRef, type SftpRef } from '../../shared/sftpRef.js'
import { CompanionError, describeError, errnoCode, isCompanionError } from '../errors.js'
import { KnownHosts } from './knownHosts.js'
import type {
  PhotoSource,
  SourceFeatures,
  SourceFile,
  SourceFileReader,
  SourceIdentity,
  SourceVolume,
} from './photoSource.js'
import { fileOf, isFolder, isRegular, remotePathInside, resolveRoot } from './remotePath.js'
import type { SftpChannel } from './sftpChannel.js'
import { SftpFileReader } from './sftpFileReader.js'
import { connectSftp, type HostKeyOffer, type SftpAuth, type SftpLink } from './sftpConnect.js'
import { SftpReadStream, type OpenedRemoteFile, type SftpReadTuning } from './sftpReadStream.js'

export interface SftpReconnectPolicy {
  /** Connection attempts after a drop before the operation fails for good. */
  attempts: number
  /** Wait before the second attempt; doubled each time up to `maxDelayMs`. The first is immediate. */
  baseDelayMs: number
  maxDelayMs: number
}

export interface SftpSourceOptions {
  ref: SftpRef
  auth: SftpAuth
  /** The app's own known-hosts file, or one the user named (OpenSSH format). */
  knownHostsPath: string
  /** Asked for a box whose key is not pinned yet; without it such a box is refused (HOST_KEY_UNKNOWN). */
  confirmNewHostKey?: (offer: HostKeyOffer) => boolean | Promise<boolean>
  /** The box's name in settings: part of the backup folder name. Defaults to the host. */
  name?: string
  channels?: number
  tuning?: Partial<SftpReadTuning>
  reconnect?: Partial<SftpReconnectPolicy>
  readyTimeoutMs?: number
  keepaliveIntervalMs?: number
}

/**
 * 16 × 255 KiB ahead per file (4 MiB): 255 KiB is the most OpenSSH answers in one READ (limits@openssh.com),
 * and fewer, larger requests cost the client less per byte. Over loopback (bench/sftp.ts, raw ssh2 reads)
 * 255 KiB beat 128 KiB and 32 KiB; 8 or 16 in flight measured alike within the noise of a shared machine.
 */
export const DEFAULT_SFTP_TUNING: SftpReadTuning = { chunkSize: 255 * 1024, requestsInFlight: 16 }
const DEFAULT_CHANNELS = 2
/** About a minute of trying: long enough for a box's Wi-Fi to come back, short enough to report a dead one. */
const DEFAULT_RECONNECT: SftpReconnectPolicy = { attempts: 6, baseDelayMs: 1_000, maxDelayMs: 20_000 }
/** After giving up, further operations fail at once for a while instead of each waiting out its own retries. */
const GIVE_UP_COOLDOWN_MS = 10_000
/** Operations retried on a new link when the old one dropped under them (only those safe to repeat). */
const IDEMPOTENT_RETRIES = 2

const isLinkLost = (error: unknown) => isCompanionError(error) && error.code === 'CONNECTION_LOST'

/**
 * A running box reached over SSH: the same PhotoSource as a mounted card, so backup, stats, cleanup and
 * organize run unchanged. Everything goes through SFTP requests (no remote shell); several channels and
 * several READ requests per file keep the link busy; a dropped link is re-established with backoff, and
 * reads continue where they stopped.
 */
export class SftpSource implements PhotoSource {
  /**
   * A box is never a folder of this computer. Its photos folder may be on a FAT stick, and asking costs
   * round trips on a slow link: names are compared without case, the cautious answer.
   */
  readonly features: SourceFeatures
  private link: SftpLink
  private reconnecting: Promise<SftpLink> | undefined
  private gaveUp: { at: number; error: CompanionError } | undefined
  private readonly closing = new AbortController()
  private readonly tuning: SftpReadTuning
  private readonly policy: SftpReconnectPolicy
  /** Times the link was re-established (for reports and tests). */
  reconnects = 0

  private constructor(
    private readonly options: SftpSourceOptions & { ref: SftpRef & { username: string } },
    private readonly knownHosts: KnownHosts,
    link: SftpLink,
    /** Absolute photos folder on the box. */
    readonly root: string,
    /** The login's home folder on the box, as the box resolves `~`. */
    home: string,
  ) {
    this.features = { caseInsensitive: true, remote: { root, home } }
    this.link = link
    this.tuning = { ...DEFAULT_SFTP_TUNING, ...options.tuning }
    this.policy = { ...DEFAULT_RECONNECT, ...options.reconnect }
  }

  /** Connects, checks the host key and the photos folder, with a clear error for each way this fails. */
  static async open(options: SftpSourceOptions): Promise<SftpSource> {
    const ref = { ...options.ref, username: options.ref.username ?? os.userInfo().username }
    const knownHosts = new KnownHosts(options.knownHostsPath)
    const link = await connectSftp(SftpSource.connectOptions({ ...options, ref }, knownHosts))
    try {
      const channel = link.channels[0] as SftpChannel
      const root = await resolveRoot(channel, ref)
      return new SftpSource({ ...options, ref }, knownHosts, link, root, await channel.realpath('.'))
    } catch (error) {
      link.close()
      throw error
    }
  }

  private static connectOptions(
    options: SftpSourceOptions & { ref: SftpRef & { username: string } },
    knownHosts: KnownHosts,
  ) {
    return {
      host: options.ref.host,
      port: options.ref.port,
      username: options.ref.username,
      auth: options.auth,
      knownHosts,
      channels: options.channels ?? DEFAULT_CHANNELS,
      ...(options.confirmNewHostKey ? { confirmNewHostKey: options.confirmNewHostKey } : {}),
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
      ...(options.keepaliveIntervalMs ? { keepaliveIntervalMs: options.keepaliveIntervalMs } : {}),
    }
  }

  private get where(): string {
    const { username, host, port } = this.options.ref
    return `${username}@${host}:${port}`
  }

  async identity(): Promise<SourceIdentity> {
    const display = formatSftpRef({ ...this.options.ref, root: this.root })
    return { id: display, displayRoot: display, volumeLabel: this.options.name ?? this.options.ref.host }
  }

  private abs(relativePath: string): string {
    return remotePathInside(this.root, relativePath)
  }

  /** The current link, re-established (once, shared by every caller) when it dropped. */
  private async liveLink(): Promise<SftpLink> {
    if (!this.link.lost) return this.link
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined))
    return this.reconnecting
  }

  private async reconnect(): Promise<SftpLink> {
    const signal = this.closing.signal
    if (signal.aborted)
      throw new CompanionError('CONNECTION_FAILED', `The connection to ${this.where} was closed`)
    if (this.gaveUp && Date.now() - this.gaveUp.at < GIVE_UP_COOLDOWN_MS) throw this.gaveUp.error
    this.link.close()
    const started = Date.now()
    let lastError: unknown
    for (let attempt = 0; attempt < this.policy.attempts; attempt++) {
      if (attempt > 0) {
        const wait = Math.min(this.policy.baseDelayMs * 2 ** (attempt - 1), this.policy.maxDelayMs)
        await delay(wait, undefined, { signal }).catch(() => undefined)
      }
      if (signal.aborted) break
      try {
        this.link = await connectSftp(SftpSource.connectOptions(this.options, this.knownHosts))
        this.reconnects++
        this.gaveUp = undefined
        return this.link
      } catch (error) {
        // A changed host key or a refused login will not get better by retrying.
        if (isCompanionError(error) && error.code !== 'CONNECTION_FAILED') throw error
        lastError = error
      }
    }
    const error = new CompanionError(
      'CONNECTION_FAILED',
      `Lost the connection to the box ${this.where} and could not reconnect (${this.policy.attempts} attempts ` +
        `over ${Math.round((Date.now() - started) / 1000)} s; last: ${describeError(lastError)}). Files ` +
        `completed so far are verified and kept; run the operation again once the box is reachable.`,
      { cause: lastError },
    )
    this.gaveUp = { at: Date.now(), error }
    throw error
  }

  /** The least busy open channel of the live link. */
  private async channel(): Promise<SftpChannel> {
    const link = await this.liveLink()
    const open = link.channels.filter((channel) => channel.isOpen)
    if (open.length === 0) {
      link.close()
      throw new CompanionError('CONNECTION_LOST', `The connection to ${this.where} dropped`)
    }
    return open.reduce((best, channel) => (channel.busy < best.busy ? channel : best))
  }

  /** Runs `op` on a channel; when the link drops under it and `op` is safe to repeat, on the next link. */
  private async run<T>(op: (channel: SftpChannel) => Promise<T>, idempotent = true): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op(await this.channel())
      } catch (error) {
        if (!(idempotent && isLinkLost(error) && attempt < IDEMPOTENT_RETRIES)) throw error
      }
    }
  }

  async list(folder: string): Promise<{ files: SourceFile[]; folders: string[] }> {
    let entries
    try {
      entries = await this.run((channel) => channel.readdir(folder === '' ? this.root : this.abs(folder)))
    } catch (error) {
      if (folder !== '' || isCompanionError(error)) throw error
      throw new CompanionError(
        'SOURCE_UNREADABLE',
        `Cannot list ${this.root} on ${this.where}: ${describeError(error)}`,
        { cause: error },
      )
    }
    const files: SourceFile[] = []
    const folders: string[] = []
    for (const entry of entries) {
      const relative = folder === '' ? entry.filename : `${folder}/${entry.filename}`
      // Symlinks are neither followed nor listed, as on a local card.
      if (isFolder(entry.attrs)) folders.push(relative)
      else if (isRegular(entry.attrs)) files.push(fileOf(relative, entry.attrs))
    }
    return { files, folders }
  }

  async stat(relativePath: string): Promise<SourceFile | undefined> {
    const attrs = await this.statOrUndefined(this.abs(relativePath))
    return attrs && isRegular(attrs) ? fileOf(relativePath, attrs) : undefined
  }

  async statFolder(relativePath: string): Promise<{ mtimeMs: number } | undefined> {
    const attrs = await this.statOrUndefined(relativePath === '' ? this.root : this.abs(relativePath))
    return attrs && isFolder(attrs) ? { mtimeMs: attrs.mtime * 1000 } : undefined
  }

  private async statOrUndefined(absolute: string): Promise<Stats | undefined> {
    try {
      return await this.run((channel) => channel.stat(absolute))
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined
      throw error
    }
  }

  createReadStream(relativePath: string, options: { start?: number; signal?: AbortSignal } = {}): Readable {
    const absolute = this.abs(relativePath)
    return new SftpReadStream(() => this.openForReading(absolute), relativePath, this.tuning, options)
  }

  /** Backup's path: positional reads into the caller's buffer, with requests kept ahead of it. */
  openReader(relativePath: string): Promise<SourceFileReader> {
    const absolute = this.abs(relativePath)
    return SftpFileReader.open(() => this.openForReading(absolute), relativePath, this.tuning)
  }

  private openForReading(absolute: string): Promise<OpenedRemoteFile> {
    return this.run(async (channel) => {
      const handle = await channel.open(absolute, 'r')
      try {
        const attrs = await channel.fstat(handle, absolute)
        return { channel, handle, size: attrs.size, mtime: attrs.mtime }
      } catch (error) {
        void channel.close(handle).catch(() => undefined)
        throw error
      }
    })
  }

  async readRange(relativePath: string, start: number, length: number): Promise<Buffer> {
    const absolute = this.abs(relativePath)
    return this.run(async (channel) => {
      const handle = await channel.open(absolute, 'r')
      try {
        const buffer = Buffer.alloc(length)
        let filled = 0
        while (filled < length) {
          const bytesRead = await channel.read(handle, buffer, filled, length - filled, start + filled)
          if (bytesRead === 0) break
          filled += bytesRead
        }
        return buffer.subarray(0, filled)
      } finally {
        void channel.close(handle).catch(() => undefined)
      }
    })
  }

  async writeFile(relativePath: string, data: Buffer | string): Promise<void> {
    const target = this.abs(relativePath)
    await this.mkdirp(path.posix.dirname(relativePath) === '.' ? '' : path.posix.dirname(relativePath))
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    // writeFileAtomically's recipe over SFTP: write-then-rename under the same temp name (catalogs skip it,
    // recovery removes it). SFTP cannot sync a folder, so only the file is fsynced (where the server can).
    const temp = `${target}.tmp-${process.pid}-${Date.now()}`
    await this.run(async (channel) => {
      const handle = await channel.open(temp, 'w')
      try {
        for (let offset = 0; offset < bytes.length; offset += this.tuning.chunkSize) {
          await channel.write(handle, bytes.subarray(offset, offset + this.tuning.chunkSize), offset)
        }
        await channel.fsync(handle)
      } finally {
        await channel.close(handle).catch(() => undefined)
      }
      try {
        await channel.replace(temp, target)
      } catch (error) {
        if (errnoCode(error) !== 'ENOTSUP') throw error
        // Servers without posix-rename: SFTP v3 rename refuses an existing target, so remove it first.
        await channel.unlink(target).catch(() => undefined)
        await channel.rename(temp, target)
      }
    }, false)
  }

  async remove(relativePath: string): Promise<void> {
    const absolute = this.abs(relativePath)
    try {
      await this.run((channel) => channel.unlink(absolute))
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const [source, target] = [this.abs(from), this.abs(to)]
    const folder = path.posix.dirname(to)
    await this.mkdirp(folder === '.' ? '' : folder)
    try {
      await this.run((channel) => channel.rename(source, target), false)
    } catch (error) {
      // OpenSSH answers a plain FAILURE when the target exists; name it the way callers check for it.
      if (errnoCode(error) === 'EIO' && (await this.statOrUndefined(target))) {
        throw Object.assign(new Error(`EEXIST: ${to} already exists`), { code: 'EEXIST', cause: error })
      }
      throw error
    }
  }

  async mkdirp(relativePath: string): Promise<void> {
    if (relativePath === '') return
    let current = ''
    for (const segment of relativePath.split('/').filter(Boolean)) {
      current = current === '' ? segment : `${current}/${segment}`
      const absolute = this.abs(current)
      const attrs = await this.statOrUndefined(absolute)
      if (attrs && isFolder(attrs)) continue
      try {
        await this.run((channel) => channel.mkdir(absolute))
      } catch (error) {
        // Created meanwhile by a parallel call: fine; anything else is a real failure.
        const now = await this.statOrUndefined(absolute)
        if (!now || !isFolder(now)) throw error
      }
    }
  }

  async removeEmptyFolder(relativePath: string): Promise<boolean> {
    if (relativePath === '') return false
    const absolute = this.abs(relativePath)
    try {
      await this.run((channel) => channel.rmdir(absolute))
      return true
    } catch (error) {
      const code = errnoCode(error)
      // OpenSSH reports a folder that is not empty as a plain FAILURE.
      if (code === 'EIO' || code === 'ENOENT') return false
      throw error
    }
  }

  async volume(): Promise<SourceVolume> {
    try {
      return await this.run((channel) => channel.statvfs(this.root))
    } catch (error) {
      if (errnoCode(error) !== 'ENOTSUP') throw error
      throw new CompanionError(
        'SOURCE_UNREADABLE',
        `The SFTP server of ${this.where} does not report disk space (no statvfs@openssh.com)`,
        { cause: error },
      )
    }
  }

  async close(): Promise<void> {
    this.closing.abort()
    this.link.close()
  }
}
