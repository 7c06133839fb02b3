import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ContractEvent } from '../../shared/bridge.js'
import { HTTP_COMMAND_PREFIX, HTTP_EVENTS_PATH, TOKEN_QUERY_PARAMETER } from '../../shared/httpApi.js'
import type { Settings } from '../../shared/settings.js'
import type { Companion } from '../../core/companion.js'
import { dispatchCommand, toErrorData, type CommandHandlers } from '../../core/dispatch.js'
import { isAccessToken, tokenCookieName, tokenOfRequest, type TokenPlaces } from './accessToken.js'
import { openEventStream } from './eventStream.js'
import {
  BodyError,
  decodedOrRaw,
  httpStatusOf,
  readJsonBody,
  sendError,
  sendJson,
  setSecurityHeaders,
} from './httpReply.js'
import { photoRouteOf } from './photoRoutes.js'
import { seedRouteOf, type SeedRouteContext } from './seedRoutes.js'
import { resolveStaticPath, sendStaticFile } from './staticFiles.js'

export interface ServeServerOptions {
  handlers: CommandHandlers
  subscribe: (listener: (event: ContractEvent) => void) => () => void
  settings: () => Settings
  token: string
  /** The built renderer (`out/renderer`); without it only the API is served. */
  rendererDir: string | undefined
  defaultSource: string | undefined
  /** Streams a photo's original for `GET /api/photos/original`; without it that route is absent. */
  openPhotoOriginal?: Companion['openPhotoOriginal']
}

export interface ServeServer {
  server: http.Server
  listen(port: number, host: string): Promise<AddressInfo>
  close(): Promise<void>
}

const CLOSE_GRACE_MS = 3_000
const API_ONLY: TokenPlaces = { query: false, cookie: false }
const API_GET: TokenPlaces = { query: true, cookie: false }
const PAGE: TokenPlaces = { query: true, cookie: true }

/**
 * `serve`: the contract over HTTP for a browser, plus the built UI and the REST routes of the original
 * CreatureBox web app (seedRoutes.ts). Every request needs the access token. The API takes it only as
 * `Authorization: Bearer` (or `?token=` on a GET, for EventSource), never from the cookie, so another site
 * can never make the browser act for it; the cookie only lets the page load its own scripts after it was
 * opened with `?token=`.
 */
export function createServeServer(options: ServeServerOptions): ServeServer {
  const streams = new Set<() => void>()
  const dispatch = (name: string, input: unknown) => dispatchCommand(options.handlers, name, input)
  const seedContext: SeedRouteContext = {
    dispatch,
    settings: options.settings,
    defaultSource: options.defaultSource,
  }

  let isClosing = false
  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    setSecurityHeaders(response)
    if (isClosing) {
      // A browser reconnects its event stream at once, often on a kept-alive socket: refuse, and drop it.
      response.setHeader('Connection', 'close')
      return sendError(response, 503, { code: 'CONNECTION_FAILED', message: 'The companion is stopping' })
    }
    const url = new URL(request.url ?? '/', 'http://localhost')
    const method = request.method ?? 'GET'
    const isApi = url.pathname.startsWith('/api/')
    const places = !isApi ? PAGE : method === 'GET' ? API_GET : API_ONLY
    const isAllowed = tokenOfRequest(request, url, places).some((given) =>
      isAccessToken(given, options.token),
    )
    if (!isAllowed) return refuse(response, isApi)

    if (method === 'GET' && url.pathname === HTTP_EVENTS_PATH) {
      const end = openEventStream(response, options.subscribe)
      streams.add(end)
      response.on('close', () => streams.delete(end))
      return
    }
    if (url.pathname.startsWith(HTTP_COMMAND_PREFIX)) {
      if (method !== 'POST') return methodNotAllowed(response, 'POST')
      const name = decodedOrRaw(url.pathname.slice(HTTP_COMMAND_PREFIX.length))
      const outcome = await dispatch(name, await readJsonBody(request))
      return sendJson(response, outcome.ok ? 200 : httpStatusOf(outcome.error.code), outcome)
    }
    if (isApi) {
      const photoRoute = photoRouteOf(method, url.pathname, {
        ...seedContext,
        openPhotoOriginal: options.openPhotoOriginal,
      })
      if (photoRoute) return photoRoute(request, response, url)
      const seedRoute = seedRouteOf(method, url.pathname, seedContext)
      if (seedRoute) return seedRoute(request, response, url)
      return sendError(response, 404, { code: 'NOT_FOUND', message: `No route ${method} ${url.pathname}` })
    }
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(response, 'GET')
    return sendPage(request, response, url, method)
  }

  const sendPage = async (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    method: 'GET' | 'HEAD',
  ) => {
    if (url.searchParams.has(TOKEN_QUERY_PARAMETER)) {
      response.setHeader(
        'Set-Cookie',
        `${tokenCookieName(request)}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
      )
    }
    if (!options.rendererDir) {
      return sendText(response, 503, 'The UI is not built: run `npm run build`, then start serve again.')
    }
    const filePath = resolveStaticPath(options.rendererDir, url.pathname)
    if (filePath && (await sendStaticFile(request, response, options.rendererDir, filePath, method))) return
    sendText(response, 404, 'Not found')
  }

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy()
      if (error instanceof BodyError) return sendError(response, 400, error.error)
      sendError(response, 500, toErrorData(error))
    })
  })

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve(server.address() as AddressInfo)
        })
      }),
    close: () =>
      new Promise((resolve) => {
        isClosing = true
        for (const end of streams) end()
        server.close(() => resolve())
        server.closeIdleConnections()
        // A request still running (a slow stats read of a box) gets a moment, then its socket is closed.
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref()
      }),
  }
}

function refuse(response: ServerResponse, isApi: boolean): void {
  if (isApi) {
    response.setHeader('WWW-Authenticate', 'Bearer realm="creaturebox"')
    return sendError(response, 401, {
      code: 'UNAUTHORIZED',
      message: 'This companion needs its access token: send Authorization: Bearer <token>',
    })
  }
  sendText(
    response,
    401,
    'CreatureBox Companion needs its access token. Open the full address `creaturebox serve` printed ' +
      '(it ends in ?token=…).',
  )
}

function methodNotAllowed(response: ServerResponse, allowed: string): void {
  response.setHeader('Allow', allowed)
  sendError(response, 405, { code: 'INVALID_INPUT', message: `Use ${allowed} here` })
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  response.end(text + '\n')
}
