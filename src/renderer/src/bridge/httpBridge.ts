import { z } from 'zod'
import type { CommandOutcome, CompanionBridge, ContractEvent } from '../../../shared/bridge.js'
import { commands, events, type CommandName } from '../../../shared/contract.js'
import { CompanionErrorDataSchema, type CompanionErrorData } from '../../../shared/errors.js'
import {
  commandPath,
  HTTP_EVENTS_PATH,
  HTTP_EVENT_TYPE,
  TOKEN_QUERY_PARAMETER,
} from '../../../shared/httpApi.js'

const TOKEN_STORAGE_KEY = 'creaturebox.token'
/** Matches the `retry:` the server asks EventSource for. */
const RECONNECT_MS = 2_000

const OutcomeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: CompanionErrorDataSchema }),
])

const failure = (error: CompanionErrorData): CommandOutcome<never> => ({ ok: false, error })

/**
 * The access token arrives once in the address (`?token=` as `serve` printed it); it is kept for this tab
 * only and taken out of the address bar, so it does not end up in history, bookmarks or screenshots.
 */
export function takeAccessToken(location: Location, history: History, storage: Storage): string | undefined {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get(TOKEN_QUERY_PARAMETER)
  if (fromUrl) {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl)
    url.searchParams.delete(TOKEN_QUERY_PARAMETER)
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return storage.getItem(TOKEN_STORAGE_KEY) ?? undefined
}

/**
 * The live link to `serve`, as the event stream sees it: `reconnecting` while the companion is unreachable
 * (the browser retries by itself), `refused` once it rejected the token (it was restarted with another one).
 */
export type LinkStatus = 'connecting' | 'connected' | 'reconnecting' | 'refused'

/** The browser's CompanionBridge for `serve`: commands as POSTs, events as Server-Sent Events. */
export function createHttpBridge(
  token: string | undefined,
  onLinkStatus: (status: LinkStatus) => void = () => undefined,
): CompanionBridge {
  const listeners = new Set<(event: ContractEvent) => void>()
  let source: EventSource | undefined
  const emit = (event: ContractEvent) => listeners.forEach((listener) => listener(event))

  const invoke = async <N extends CommandName>(name: N, input: unknown) => {
    if (!token) {
      return failure({
        code: 'UNAUTHORIZED',
        message: 'Open the full address that `creaturebox serve` printed: it carries the access token.',
      })
    }
    let response: Response
    try {
      response = await fetch(commandPath(name), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      })
    } catch {
      return failure({
        code: 'CONNECTION_FAILED',
        message: 'The companion is not reachable. Is `creaturebox serve` still running?',
      })
    }
    const outcome = OutcomeSchema.safeParse(await response.json().catch(() => undefined))
    if (!outcome.success) {
      return failure({
        code: 'INTERNAL',
        message: `The companion answered ${response.status} without a result`,
      })
    }
    if (!outcome.data.ok) return outcome.data
    const value = commands[name].output.safeParse(outcome.data.value)
    if (!value.success)
      return failure({ code: 'INTERNAL', message: `The companion sent a malformed ${name} result` })
    return { ok: true as const, value: value.data }
  }

  let hasEverOpened = false
  let retry: ReturnType<typeof setTimeout> | undefined

  const open = () => {
    if (!token) return onLinkStatus('refused')
    const stream = new EventSource(
      `${HTTP_EVENTS_PATH}?${TOKEN_QUERY_PARAMETER}=${encodeURIComponent(token)}`,
    )
    if (!hasEverOpened) onLinkStatus('connecting')
    stream.addEventListener('open', () => {
      // Events sent while the link was down are lost: after a reconnect, re-read every job instead.
      if (hasEverOpened) void resync()
      hasEverOpened = true
      onLinkStatus('connected')
    })
    stream.addEventListener('error', () => {
      // EventSource retries a dropped link by itself, but gives up for good on any answer that is not a
      // stream (a 401, or a 503 from a companion that is stopping): ask why, and retry unless it was the token.
      if (stream.readyState !== EventSource.CLOSED) return onLinkStatus('reconnecting')
      stream.close()
      if (source === stream) source = undefined
      void diagnose()
    })
    stream.addEventListener(HTTP_EVENT_TYPE, (message) => {
      const event = parseEvent((message as MessageEvent<string>).data)
      if (event) emit(event)
    })
    source = stream
  }

  const diagnose = async () => {
    const probe = await invoke('app.info', {})
    if (!probe.ok && probe.error.code === 'UNAUTHORIZED') return onLinkStatus('refused')
    onLinkStatus('reconnecting')
    clearTimeout(retry)
    retry = setTimeout(() => {
      if (listeners.size > 0 && !source) open()
    }, RECONNECT_MS)
  }

  const resync = async () => {
    const jobs = await invoke('jobs.list', {})
    if (jobs.ok)
      for (const job of jobs.value as z.output<(typeof events)['job.updated']>[])
        emit({ name: 'job.updated', payload: job })
  }

  return {
    invoke: invoke as CompanionBridge['invoke'],
    subscribe: (listener) => {
      listeners.add(listener)
      if (!source) open()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) {
          clearTimeout(retry)
          source?.close()
          source = undefined
        }
      }
    },
  }
}

function parseEvent(data: string): ContractEvent | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(data)
  } catch {
    return undefined
  }
  const envelope = z
    .object({ name: z.enum(Object.keys(events) as [keyof typeof events]), payload: z.unknown() })
    .safeParse(raw)
  if (!envelope.success) return undefined
  const payload = events[envelope.data.name].safeParse(envelope.data.payload)
  return payload.success ? ({ name: envelope.data.name, payload: payload.data } as ContractEvent) : undefined
}
