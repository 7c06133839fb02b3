import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { freePort } from './redisServer.js'

/**
 * A real OpenSSH sshd on 127.0.0.1 for one test file: its own config, host key and authorized_keys in a temp
 * folder, a free high port, `internal-sftp`. The client key it trusts is generated here too.
 */
export interface SshServer {
  readonly host: '127.0.0.1'
  readonly port: number
  readonly user: string
  /** Temp folder of this server: a convenient place for the tests' box folders. */
  readonly dir: string
  /** Private key (no passphrase) whose public half is in authorized_keys. */
  readonly clientKey: string
  /** Private key protected by `clientKeyPassphrase`, also authorized. */
  readonly encryptedClientKey: string
  readonly clientKeyPassphrase: string
  /** A key the server does not know. */
  readonly strangerKey: string
  /** Stops the server and starts it again on the same port with a freshly generated host key. */
  replaceHostKey(): Promise<void>
  /** Kills the sshd processes serving current sessions (the link drops); the listener stays up. */
  killSessions(): Promise<number>
  /** The processes serving current sessions, to kill at an exact moment with `process.kill`. */
  sessionPids(): Promise<number[]>
  stop(): Promise<void>
  /** Starts a stopped server again on the same port with the same keys. */
  start(): Promise<void>
  /** Stops the server and removes its folder. */
  dispose(): Promise<void>
}

const SSHD = '/usr/sbin/sshd'
const START_DEADLINE_MS = 10_000

function keygen(file: string, passphrase = ''): void {
  const run = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'test', '-f', file])
  if (run.status !== 0) throw new Error(`ssh-keygen failed: ${run.stderr.toString()}`)
}

/** True once something accepts TCP connections on the port and sends an SSH banner. */
async function answersSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    const finish = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => finish(false))
    socket.on('error', () => finish(false))
    socket.on('data', (chunk: Buffer) => finish(chunk.toString('latin1').startsWith('SSH-')))
  })
}

export async function startSshServer(): Promise<SshServer> {
  // A missing server fails the test that needs it: a skipped test would pass CI without testing anything.
  if (!fs.existsSync(SSHD)) {
    throw new Error(
      `OpenSSH sshd is not installed at ${SSHD}: run scripts/setup-system.sh (Debian openssh-server)`,
    )
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sshd-'))
  const user = os.userInfo().username
  const hostKey = path.join(dir, 'ssh_host_ed25519_key')
  const clientKey = path.join(dir, 'client_key')
  const encryptedClientKey = path.join(dir, 'client_key_encrypted')
  const strangerKey = path.join(dir, 'stranger_key')
  const clientKeyPassphrase = 'correct horse battery staple'
  keygen(hostKey)
  keygen(clientKey)
  keygen(encryptedClientKey, clientKeyPassphrase)
  keygen(strangerKey)
  const authorized = await Promise.all(
    [clientKey, encryptedClientKey].map((key) => fsp.readFile(`${key}.pub`, 'utf8')),
  )
  await fsp.writeFile(path.join(dir, 'authorized_keys'), authorized.join(''), { mode: 0o600 })
  // sshd started as root separates privileges into /run/sshd, which Debian's service unit normally creates.
  if (process.getuid?.() === 0) await fsp.mkdir('/run/sshd', { recursive: true, mode: 0o755 })
  const port = await freePort()
  const config = path.join(dir, 'sshd_config')
  await fsp.writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'PermitRootLogin yes',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'MaxStartups 100',
      'MaxSessions 50',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  )

  let child: ChildProcess | undefined
  let output = ''
  const start = async () => {
    output = ''
    // -D: stay in the foreground as our child; -e: log to stderr so a failing start explains itself.
    const started = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    child = started
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const deadline = Date.now() + START_DEADLINE_MS
    while (!(await answersSsh(port))) {
      if (started.exitCode !== null) throw new Error(`sshd exited while starting:\n${output}`)
      if (Date.now() > deadline) throw new Error(`sshd did not answer on ${port}:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  const stop = async () => {
    const running = child
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    // Sessions are served by forked processes that outlive the listener: found first, ended after it.
    const sessions = await descendantsOf(running.pid)
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
    killAll(sessions)
  }
  const killSessions = async (): Promise<number> => {
    const sessions = await descendantsOf(child?.pid)
    killAll(sessions)
    return sessions.length
  }
  const killAll = (pids: number[]) => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  }
  await start()

  return {
    host: '127.0.0.1',
    port,
    user,
    dir,
    clientKey,
    encryptedClientKey,
    clientKeyPassphrase,
    strangerKey,
    replaceHostKey: async () => {
      await stop()
      await fsp.rm(hostKey, { force: true })
      await fsp.rm(`${hostKey}.pub`, { force: true })
      keygen(hostKey)
      await start()
    },
    killSessions,
    sessionPids: () => descendantsOf(child?.pid),
    stop,
    start,
    dispose: async () => {
      await stop()
      await fsp.rm(dir, { recursive: true, force: true })
    },
  }
}

/** Every process below `pid`, from /proc: each session's monitor, its unprivileged child and sftp. */
async function descendantsOf(pid: number | undefined): Promise<number[]> {
  if (pid === undefined) return []
  const parents = new Map<number, number>()
  for (const entry of await fsp.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await fsp.readFile(`/proc/${entry}/stat`, 'utf8')
      // The command name in parentheses may hold spaces: the parent pid is the second field after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parents.set(Number(entry), Number(fields[1]))
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = []
  const wanted = new Set([pid])
  for (let grew = true; grew;) {
    grew = false
    for (const [child, parent] of parents) {
      if (wanted.has(parent) && !wanted.has(child)) {
        wanted.add(child)
        found.push(child)
        grew = true
      }
    }
  }
  return found
}
