// A field Wi-Fi link between a laptop and a box, on loopback: a TCP proxy that delays every byte by a fixed
// one-way latency and paces each direction to a bandwidth cap, as a serial link does. Used by the SFTP
// benchmark over field Wi-Fi (bench/sftpWifi.ts); tested in test/unit/bench/wifiProxy.test.ts.
import net from 'node:net'

export interface WifiLinkOptions {
  /** One-way delay added to every byte, each direction (ms). */
  delayMs: number
  /** Bandwidth cap of each direction (bits per second). */
  bitsPerSecond: number
  /** Bytes a direction holds before it stops reading its sender (the router's queue); default 256 KiB. */
  queueBytes?: number
}

export interface WifiProxy {
  readonly host: '127.0.0.1'
  readonly port: number
  /** Stops listening and drops every open connection. */
  close(): Promise<void>
}

/** Packets no larger than a Wi-Fi frame's worth of data, so pacing is smooth and not per 64 KiB socket read. */
const PACKET_BYTES = 1500

interface Queued {
  /** When the packet reaches the other end (ms, performance.now()). */
  at: number
  data: Buffer | 'end'
}

/**
 * One direction of the link. Each packet leaves when the previous one has finished leaving (the link is busy
 * for `bytes × 8 / bitsPerSecond`), then arrives `delayMs` later; arrival times only grow, so byte order is
 * kept. The sender is paused while the queue or the receiver's socket buffer is full, and the end of its
 * stream (a half-close) is passed on after its last byte.
 */
function pipeThroughLink(from: net.Socket, to: net.Socket, options: WifiLinkOptions): void {
  const msPerByte = (8 * 1000) / options.bitsPerSecond
  const limit = options.queueBytes ?? 256 * 1024
  const queue: Queued[] = []
  let head = 0
  let queuedBytes = 0
  let linkFreeAt = 0
  let timer: NodeJS.Timeout | undefined

  const enqueue = (data: Buffer | 'end') => {
    const now = performance.now()
    const bytes = data === 'end' ? 0 : data.length
    linkFreeAt = Math.max(now, linkFreeAt) + bytes * msPerByte
    queue.push({ at: linkFreeAt + options.delayMs, data })
    queuedBytes += bytes
    schedule()
  }
  const schedule = () => {
    if (timer || head >= queue.length || to.destroyed) return
    const wait = Math.max(0, (queue[head] as Queued).at - performance.now())
    timer = setTimeout(deliver, wait)
  }
  const deliver = () => {
    timer = undefined
    const now = performance.now()
    // Everything due leaves in one writev, not one system call per packet.
    to.cork()
    while (head < queue.length && (queue[head] as Queued).at <= now) {
      const { data } = queue[head] as Queued
      queue[head++] = undefined as unknown as Queued
      if (data === 'end') to.end()
      else {
        queuedBytes -= data.length
        if (!to.destroyed) to.write(data)
      }
    }
    to.uncork()
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head)
      head = 0
    }
    flow()
    schedule()
  }
  /** Reads from the sender only while there is room on the link and in the receiver. */
  const flow = () => {
    if (queuedBytes >= limit || to.writableNeedDrain) from.pause()
    else if (from.isPaused()) from.resume()
  }

  from.on('data', (chunk: Buffer) => {
    for (let offset = 0; offset < chunk.length; offset += PACKET_BYTES) {
      enqueue(chunk.subarray(offset, offset + PACKET_BYTES))
    }
    flow()
  })
  from.on('end', () => enqueue('end'))
  to.on('drain', flow)
  to.on('close', () => clearTimeout(timer))
}

/** Starts the proxy on a free port of 127.0.0.1, forwarding each connection to `target`. */
export async function startWifiProxy(
  target: { host: string; port: number },
  options: WifiLinkOptions,
): Promise<WifiProxy> {
  const open = new Set<net.Socket>()
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true })
    open.add(client).add(upstream)
    // Until the box answers, the client's bytes wait in the link's queue (paused once it is full).
    pipeThroughLink(client, upstream, options)
    pipeThroughLink(upstream, client, options)
    // An error, or a side that closes without ending its stream first (a reset), drops the whole connection
    // as a lost link does; an orderly close is each side's half-close, passed on after its last byte.
    const drop = () => {
      client.destroy()
      upstream.destroy()
    }
    for (const socket of [client, upstream]) {
      let ended = false
      socket.on('end', () => (ended = true))
      socket.on('error', drop)
      socket.on('close', (hadError) => {
        open.delete(socket)
        if (hadError || !ended) drop()
      })
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  return {
    host: '127.0.0.1',
    port,
    close: async () => {
      for (const socket of open) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
