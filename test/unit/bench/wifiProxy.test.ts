import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startWifiProxy, type WifiProxy } from '../../../bench/wifiProxy.js'

/** A server that collects what it receives and, on the client's half-close, answers with `reply` and ends. */
async function startServer(reply: (received: Buffer) => Buffer) {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const parts: Buffer[] = []
    socket.on('data', (chunk: Buffer) => parts.push(chunk))
    socket.on('end', () => socket.end(reply(Buffer.concat(parts))))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return { server, port: (server.address() as net.AddressInfo).port }
}

/** Sends `payload`, half-closes, and reads the answer to its end; resolves with it and the seconds taken. */
async function exchange(port: number, payload: Buffer): Promise<{ answer: Buffer; seconds: number }> {
  const started = performance.now()
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true })
  const parts: Buffer[] = []
  socket.on('data', (chunk: Buffer) => parts.push(chunk))
  socket.end(payload)
  await new Promise<void>((resolve, reject) => {
    socket.on('end', () => resolve())
    socket.on('error', reject)
  })
  socket.end()
  return { answer: Buffer.concat(parts), seconds: (performance.now() - started) / 1000 }
}

describe('the field Wi-Fi proxy of the SFTP benchmark', () => {
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const close of closers.splice(0)) await close()
  })
  const setUp = async (reply: (received: Buffer) => Buffer) => {
    const { server, port } = await startServer(reply)
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const proxy: WifiProxy = await startWifiProxy(
      { host: '127.0.0.1', port },
      { delayMs: 5, bitsPerSecond: 40e6 },
    )
    closers.unshift(() => proxy.close())
    return proxy
  }

  it('caps the bandwidth and passes every byte in order, across a half-close', async () => {
    // The server echoes what it got back after the client's half-close: 1 MiB up, then 1 MiB down.
    const proxy = await setUp((received) => received)
    const payload = randomBytes(1024 * 1024)
    const { answer, seconds } = await exchange(proxy.port, payload)
    expect(answer.equals(payload)).toBe(true)
    // 2 × 1 MiB at 40 Mbit/s is 0.42 s; unpaced loopback takes a few milliseconds.
    expect(seconds).toBeGreaterThanOrEqual(0.4)
    expect(seconds).toBeLessThan(10)
  })

  it('delays each direction', async () => {
    // An echo server: each round trip of one byte crosses the link twice, so at least 10 ms.
    const server = net.createServer((socket) => socket.pipe(socket))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const target = { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port }
    const proxy = await startWifiProxy(target, { delayMs: 5, bitsPerSecond: 40e6 })
    closers.unshift(() => proxy.close())
    const socket = net.connect({ host: '127.0.0.1', port: proxy.port, noDelay: true })
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const roundTrip = (byte: string) =>
      new Promise<string>((resolve) => {
        socket.once('data', (chunk: Buffer) => resolve(chunk.toString()))
        socket.write(byte)
      })
    const started = performance.now()
    for (let i = 0; i < 10; i++) expect(await roundTrip(String(i))).toBe(String(i))
    const seconds = (performance.now() - started) / 1000
    socket.destroy()
    // Unpaced loopback answers ten round trips in a millisecond or two.
    expect(seconds).toBeGreaterThanOrEqual(0.1)
  })

  it('drops the other side when one side resets', async () => {
    const { server, port } = await startServer(() => Buffer.alloc(0))
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve))
    const proxy = await startWifiProxy({ host: '127.0.0.1', port }, { delayMs: 5, bitsPerSecond: 40e6 })
    closers.unshift(() => proxy.close())
    const client = net.connect({ host: '127.0.0.1', port: proxy.port })
    client.on('error', () => undefined)
    const upstream = await accepted
    const closed = new Promise<void>((resolve) => upstream.on('close', () => resolve()))
    upstream.on('error', () => undefined)
    client.resetAndDestroy()
    await closed
  })
})
