import fsp from 'node:fs/promises'
import ssh2, {
  type AgentAuthMethod,
  type ConnectConfig,
  type PasswordAuthMethod,
  type PublicKeyAuthMethod,
  type ServerHostKeyAlgorithm,
  type SFTPWrapper,
} from 'ssh2'
import { CompanionError, describeError, errnoCode } from '../errors.js'
import { fingerprintOf, hostKeyOf, type HostKey } from './hostKeyFingerprint.js'
import type { HostKeyVerdict, KnownHosts } from './knownHosts.js'
import { SftpChannel } from './sftpChannel.js'

/** How to log in to a box. Secrets arrive here from the environment or the OS keychain, never from settings. */
export interface SftpAuth {
  privateKeyPath?: string
  passphrase?: string
  password?: string
  /** ssh-agent socket; when no key or password is given, `SSH_AUTH_SOCK` is used. */
  agent?: string
}

/** What a user must see to decide whether to trust a box they connect to for the first time. */
export interface HostKeyOffer {
  host: string
  port: number
  keyType: string
  fingerprint: string
}

export interface SftpConnectOptions {
  host: string
  port: number
  username: string
  auth: SftpAuth
  knownHosts: KnownHosts
  /** Asked when the box's key is not pinned yet; `true` pins it. Without it, an unknown key is refused. */
  confirmNewHostKey?: (offer: HostKeyOffer) => boolean | Promise<boolean>
  /** SFTP channels to open on the connection (one channel serialises much of the server's work). */
  channels?: number
  readyTimeoutMs?: number
  keepaliveIntervalMs?: number
}

/** An authenticated SSH connection with its SFTP channels; `lost` once the link dropped. */
export interface SftpLink {
  readonly channels: SftpChannel[]
  readonly lost: boolean
  /** Resolves when the link is gone, whatever the reason. */
  readonly closed: Promise<void>
  close(): void
}

// ssh2 is CommonJS: Node's ESM loader cannot see its named exports, only the module object.
const { Client, utils } = ssh2

const DEFAULT_READY_TIMEOUT_MS = 20_000
/** Wi-Fi links to a box drop silently; three missed keepalives (30 s) declare the link dead. */
const DEFAULT_KEEPALIVE_MS = 10_000
const KEEPALIVE_COUNT_MAX = 3

export async function connectSftp(options: SftpConnectOptions): Promise<SftpLink> {
  const { host, port, username } = options
  const where = `${username}@${host}:${port}`
  const authHandler = await authMethodsOf(options)
  const pinnedTypes = await options.knownHosts.pinnedTypes(host, port)
  let hostKeyError: CompanionError | undefined
  const client: ssh2.Client = new Client()
  const channels: SftpChannel[] = []
  let lost = false
  let markClosed: () => void = () => undefined
  const closed = new Promise<void>((resolve) => (markClosed = resolve))
  const onLinkLost = () => {
    lost = true
  }
  client.on('close', () => {
    lost = true
    markClosed()
  })

  const config: ConnectConfig = {
    host,
    port,
    username,
    authHandler,
    readyTimeout: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    algorithms: {
      // Ask for the key types already pinned first, as OpenSSH does, so a box with several host keys is
      // checked against the one the user confirmed rather than looking "changed".
      serverHostKey: preferPinned(pinnedTypes),
      // AES-GCM runs in OpenSSL (hardware AES); ssh2's ChaCha20 without its native addon is far slower.
      cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes256-ctr'],
      // Photos are already compressed, and zlib in JavaScript would cost more than the link saves.
      compress: ['none'],
    },
    hostVerifier: (blob: Buffer, verify: (valid: boolean) => void) => {
      void checkHostKey(options, hostKeyOf(blob)).then(
        () => verify(true),
        (error: unknown) => {
          hostKeyError = error instanceof CompanionError ? error : undefined
          verify(false)
        },
      )
    },
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      client.off('ready', onReady)
      reject(hostKeyError ?? connectError(error, where, options))
    }
    const onReady = () => {
      client.off('error', onError)
      resolve()
    }
    client.once('error', onError)
    client.once('ready', onReady)
    client.connect(config)
    // Without TCP_NODELAY the small READ requests and window adjusts wait on Nagle and delayed ACKs (~40 ms
    // each): measured over loopback, 5× slower reads whatever the request size or count in flight.
    client.setNoDelay(true)
  }).catch((error: unknown) => {
    client.end()
    throw error
  })
  // After the handshake an error (reset, keepalive timeout) only ends the link; requests in flight see it.
  client.on('error', onLinkLost)

  try {
    for (let index = 0; index < Math.max(1, options.channels ?? 1); index++) {
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, channel) => (error ? reject(error) : resolve(channel))),
      )
      sftp.on('close', onLinkLost)
      channels.push(new SftpChannel(sftp, onLinkLost))
    }
  } catch (error) {
    client.end()
    throw new CompanionError(
      'CONNECTION_FAILED',
      `Logged in to ${where}, but the box offers no SFTP (${describeError(error)})`,
      { cause: error },
    )
  }

  return {
    channels,
    get lost() {
      return lost
    },
    closed,
    close: () => {
      lost = true
      client.end()
    },
  }
}

/** The host key a box presents and what the known-hosts file says about it; nothing is pinned. */
export async function probeHostKey(options: {
  host: string
  port: number
  knownHosts: KnownHosts
  readyTimeoutMs?: number
}): Promise<HostKeyOffer & { blob: Buffer; verdict: HostKeyVerdict }> {
  const { host, port } = options
  const pinnedTypes = await options.knownHosts.pinnedTypes(host, port)
  const key = await new Promise<HostKey>((resolve, reject) => {
    const client: ssh2.Client = new Client()
    let presented: HostKey | undefined
    client.on('error', (error) => {
      if (presented) resolve(presented)
      else reject(connectError(error, `${host}:${port}`, { readyTimeoutMs: options.readyTimeoutMs }))
    })
    client.on('close', () => (presented ? resolve(presented) : undefined))
    client.connect({
      host,
      port,
      username: 'probe',
      readyTimeout: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      algorithms: { serverHostKey: preferPinned(pinnedTypes) },
      hostVerifier: (blob: Buffer, verify: (valid: boolean) => void) => {
        presented = hostKeyOf(blob)
        // Refusing the key ends the handshake before any login is attempted.
        verify(false)
      },
    })
  })
  return {
    host,
    port,
    keyType: key.type,
    fingerprint: fingerprintOf(key.blob),
    blob: key.blob,
    verdict: await options.knownHosts.check(host, port, key),
  }
}

async function checkHostKey(options: SftpConnectOptions, key: HostKey): Promise<void> {
  const { host, port, knownHosts } = options
  const verdict = await knownHosts.check(host, port, key)
  const offer: HostKeyOffer = { host, port, keyType: key.type, fingerprint: fingerprintOf(key.blob) }
  if (verdict.status === 'pinned') return
  if (verdict.status === 'changed' || verdict.status === 'revoked') {
    const pinned = verdict.status === 'changed' ? verdict.pinnedFingerprints : []
    throw new CompanionError(
      'HOST_KEY_MISMATCH',
      verdict.status === 'revoked'
        ? `Refused: the host key of ${host}:${port} (${offer.fingerprint}) is marked revoked in ${knownHosts.filePath}`
        : `Refused: ${host}:${port} presented the host key ${offer.fingerprint}, but ${pinned.join(', ')} is pinned ` +
            `for it in ${knownHosts.filePath}. If the box was reinstalled, remove its line from that file and ` +
            `connect again to confirm the new key; otherwise something may be impersonating the box.`,
      { details: { ...offer, pinnedFingerprints: pinned, knownHostsPath: knownHosts.filePath } },
    )
  }
  if (options.confirmNewHostKey && (await options.confirmNewHostKey(offer))) {
    await knownHosts.pin(host, port, key)
    return
  }
  throw new CompanionError(
    'HOST_KEY_UNKNOWN',
    `${host}:${port} is not a known box. Its host key is ${key.type} ${offer.fingerprint}: compare it with the ` +
      `box (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and confirm it to connect.`,
    { details: { ...offer, knownHostsPath: knownHosts.filePath } },
  )
}

/** ssh2's default host-key algorithms with the pinned types (and their RSA signature variants) first. */
function preferPinned(pinnedTypes: string[]): ServerHostKeyAlgorithm[] {
  const defaults = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ] satisfies ServerHostKeyAlgorithm[]
  const wanted = new Set(
    pinnedTypes.flatMap((type) =>
      type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type],
    ),
  )
  return [...defaults.filter((name) => wanted.has(name)), ...defaults.filter((name) => !wanted.has(name))]
}

async function authMethodsOf(
  options: SftpConnectOptions,
): Promise<(PublicKeyAuthMethod | AgentAuthMethod | PasswordAuthMethod)[]> {
  const { auth, username } = options
  const methods: (PublicKeyAuthMethod | AgentAuthMethod | PasswordAuthMethod)[] = []
  if (auth.privateKeyPath) {
    methods.push({
      type: 'publickey',
      username,
      key: await readPrivateKey(auth.privateKeyPath, auth.passphrase),
      ...(auth.passphrase === undefined ? {} : { passphrase: auth.passphrase }),
    })
  }
  const agent =
    auth.agent ?? (auth.privateKeyPath || auth.password ? undefined : process.env['SSH_AUTH_SOCK'])
  if (agent) methods.push({ type: 'agent', username, agent })
  if (auth.password !== undefined) methods.push({ type: 'password', username, password: auth.password })
  if (methods.length === 0) {
    throw new CompanionError(
      'AUTH_FAILED',
      `No way to log in to ${options.host}: give a key file, a password, or run an ssh-agent`,
    )
  }
  return methods
}

/** The key parsed here, so a missing file or a wrong passphrase is named instead of "authentication failed". */
async function readPrivateKey(keyPath: string, passphrase: string | undefined): Promise<Buffer> {
  let data: Buffer
  try {
    data = await fsp.readFile(keyPath)
  } catch (error) {
    throw new CompanionError(
      'AUTH_FAILED',
      `Cannot read the key file ${keyPath} (${errnoCode(error) ?? describeError(error)})`,
      {
        cause: error,
      },
    )
  }
  const parsed = utils.parseKey(data, passphrase)
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt/i.test(parsed.message)
    throw new CompanionError(
      'AUTH_FAILED',
      encrypted && passphrase === undefined
        ? `The key ${keyPath} is protected by a passphrase: give it (--passphrase-env) or use ssh-agent`
        : encrypted
          ? `Wrong passphrase for the key ${keyPath}`
          : `${keyPath} is not a private key this app can read (${parsed.message})`,
      { cause: parsed },
    )
  }
  return data
}

function connectError(error: Error, where: string, options: { readyTimeoutMs?: number }): CompanionError {
  const level = (error as { level?: string }).level
  const code = errnoCode(error)
  const host = where.replace(/^.*@/, '').replace(/:\d+$/, '')
  const port = where.replace(/^.*:/, '')
  if (level === 'client-authentication') {
    return new CompanionError(
      'AUTH_FAILED',
      `${where} refused the login: check the user name and the key or password`,
      { cause: error },
    )
  }
  const message =
    level === 'client-timeout' || code === 'ETIMEDOUT'
      ? `No answer from ${host} on port ${port} within ${Math.round((options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS) / 1000)} s: is this laptop on the box's network?`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `Cannot find the host ${host}: check the name, or join the box's Wi-Fi first`
        : code === 'ECONNREFUSED'
          ? `${host} refused a connection on port ${port}: is SSH enabled on the box, and is the port right?`
          : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
            ? `${host} cannot be reached from this laptop (${code})`
            : `Could not connect to ${where}: ${describeError(error)}`
  return new CompanionError('CONNECTION_FAILED', message, {
    cause: error,
    details: { host, port: Number(port) },
  })
}
