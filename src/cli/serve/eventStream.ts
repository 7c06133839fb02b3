import type { ServerResponse } from 'node:http'
import type { ContractEvent } from '../../shared/bridge.js'
import { HTTP_EVENT_TYPE } from '../../shared/httpApi.js'

/** Proxies and idle-connection reapers drop silent streams; a comment line every so often keeps it open. */
const HEARTBEAT_MS = 15_000

/**
 * One browser's Server-Sent Events stream: every contract event as one `contract` message with the event
 * as JSON. Returns a function that ends the stream (on server shutdown).
 */
export function openEventStream(
  response: ServerResponse,
  subscribe: (listener: (event: ContractEvent) => void) => () => void,
): () => void {
  response.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  })
  // A reconnect after a dropped link comes quickly; the client re-reads the job list when it does.
  response.write('retry: 2000\n: connected\n\n')
  const unsubscribe = subscribe((event) => {
    response.write(`event: ${HTTP_EVENT_TYPE}\ndata: ${JSON.stringify(event)}\n\n`)
  })
  const heartbeat = setInterval(() => response.write(': ping\n\n'), HEARTBEAT_MS)
  heartbeat.unref()
  let ended = false
  const end = () => {
    if (ended) return
    ended = true
    clearInterval(heartbeat)
    unsubscribe()
    response.end()
  }
  response.on('close', end)
  return end
}
