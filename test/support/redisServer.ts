import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'

/** A real redis-server on 127.0.0.1, started for a test, without persistence. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Stops the server (SIGTERM, then SIGKILL if it lingers) and resolves once the process has exited. */
  stop(): Promise<void>
}

const START_DEADLINE_MS = 10_000
const STOP_GRACE_MS = 5_000

/** A port nothing listens on right now, as the OS hands out for port 0. */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/** True when a Redis server at `port` answers PING with PONG. */
export async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    let reply = ''
    const finish = (answered: boolean) => {
      socket.destroy()
      resolve(answered)
    }
    socket.setTimeout(1_000, () => finish(false))
    socket.on('error', () => finish(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1')
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'))
    })
  })
}

/**
 * Starts `redis-server` on `port` (a free one by default) and resolves once it answers PING. Fails with the
 * server's own output when it exits first (e.g. the port was taken in the meantime).
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort())
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  let hasExited = false
  // 'error' too: a redis-server missing from PATH never emits 'exit'.
  const exited = new Promise<void>((resolve) => {
    const settle = (): void => {
      hasExited = true
      resolve()
    }
    child.once('exit', settle)
    child.once('error', (error) => {
      output += String(error)
      settle()
    })
  })

  const deadline = Date.now() + START_DEADLINE_MS
  while (!(await answersPing(port))) {
    if (hasExited) throw new Error(`redis-server on port ${port} exited while starting:\n${output}`)
    if (Date.now() > deadline) {
      await stopProcess(child, exited)
      throw new Error(`redis-server on port ${port} did not answer PING in time:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopProcess(child, exited),
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const lingering = new Promise<'lingering'>((resolve) => {
    timer = setTimeout(() => resolve('lingering'), STOP_GRACE_MS)
  })
  const outcome = await Promise.race([exited.then(() => 'exited' as const), lingering])
  clearTimeout(timer)
  if (outcome === 'lingering') {
    child.kill('SIGKILL')
    await exited
  }
}
