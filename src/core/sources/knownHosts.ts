import { createHmac } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { errnoCode } from '../errors.js'
import { fingerprintOf, hostKeyOf, type HostKey } from './hostKeyFingerprint.js'

/** What the known-hosts file says about the key a box presented. */
export type HostKeyVerdict =
  | { status: 'pinned' }
  /** Never seen: trust on first use needs the user's explicit confirmation. */
  | { status: 'unknown' }
  /** The box is pinned with other keys: refused (reinstalled box, or someone impersonating it). */
  | { status: 'changed'; pinnedFingerprints: string[] }
  /** The file marks this very key `@revoked`. */
  | { status: 'revoked' }

interface KnownHostsLine {
  marker?: string
  patterns: string[]
  key: HostKey
}

/**
 * The app's own known-hosts file, in OpenSSH's format so `ssh-keygen -F`/`-R` work on it and a user's
 * `~/.ssh/known_hosts` can be given instead: plain, `[host]:port`, hashed (`|1|salt|hash`), wildcard and
 * negated patterns, `@revoked`. The file is re-read on every check, since another window or a CLI run may
 * have pinned a box meanwhile; pins are appended and fsynced.
 */
export class KnownHosts {
  constructor(readonly filePath: string) {}

  async check(host: string, port: number, presented: HostKey): Promise<HostKeyVerdict> {
    const lines = (await this.read()).filter((line) => matchesHost(line.patterns, host, port))
    const same = lines.filter((line) => line.key.blob.equals(presented.blob))
    if (same.some((line) => line.marker === '@revoked')) return { status: 'revoked' }
    const pinned = lines.filter((line) => line.marker === undefined)
    if (same.some((line) => line.marker === undefined)) return { status: 'pinned' }
    if (pinned.length === 0) return { status: 'unknown' }
    return { status: 'changed', pinnedFingerprints: pinned.map((line) => fingerprintOf(line.key.blob)) }
  }

  /** Key types pinned for the host, so the connection can ask for those first (as OpenSSH does). */
  async pinnedTypes(host: string, port: number): Promise<string[]> {
    const lines = await this.read()
    return [
      ...new Set(
        lines
          .filter((line) => line.marker === undefined && matchesHost(line.patterns, host, port))
          .map((line) => line.key.type),
      ),
    ]
  }

  async pin(host: string, port: number, key: HostKey): Promise<void> {
    await fsp.mkdir(path.dirname(this.filePath), { recursive: true, mode: 0o700 })
    const handle = await fsp.open(this.filePath, 'a+', 0o600)
    try {
      const { size } = await handle.stat()
      const last = Buffer.alloc(1)
      if (size > 0) await handle.read(last, 0, 1, size - 1)
      const separator = size > 0 && last[0] !== 0x0a ? '\n' : ''
      await handle.write(`${separator}${hostToken(host, port)} ${key.type} ${key.blob.toString('base64')}\n`)
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  private async read(): Promise<KnownHostsLine[]> {
    let text: string
    try {
      text = await fsp.readFile(this.filePath, 'utf8')
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return []
      throw error
    }
    return text.split('\n').flatMap((line) => {
      const parsed = parseLine(line)
      return parsed ? [parsed] : []
    })
  }
}

/** How OpenSSH writes a host: bare for port 22, `[host]:port` otherwise. */
export const hostToken = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`)

function parseLine(line: string): KnownHostsLine | undefined {
  const fields = line.trim().split(/\s+/)
  if (fields.length === 0 || fields[0] === '' || fields[0]?.startsWith('#')) return undefined
  const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined
  // Certificate authorities sign host certificates, which this app does not use.
  if (marker !== undefined && marker !== '@revoked') return undefined
  const [patterns, type, base64] = fields
  if (!patterns || !type || !base64) return undefined
  const blob = Buffer.from(base64, 'base64')
  if (blob.length === 0 || hostKeyOf(blob).type !== type) return undefined
  return { ...(marker ? { marker } : {}), patterns: patterns.split(','), key: { type, blob } }
}

function matchesHost(patterns: string[], host: string, port: number): boolean {
  const token = hostToken(host, port).toLowerCase()
  let matched = false
  for (const pattern of patterns) {
    if (pattern.startsWith('|1|')) {
      if (matchesHashed(pattern, token)) matched = true
      continue
    }
    const negated = pattern.startsWith('!')
    const glob = (negated ? pattern.slice(1) : pattern).toLowerCase()
    if (globMatches(glob, token)) {
      // A matching negation excludes the host whatever else on the line matches (sshd(8), known_hosts).
      if (negated) return false
      matched = true
    }
  }
  return matched
}

function matchesHashed(pattern: string, token: string): boolean {
  const [, , salt, hash] = pattern.split('|')
  if (!salt || !hash) return false
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64') === hash
}

function globMatches(glob: string, text: string): boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${source}$`).test(text)
}
