/**
 * How the contract travels over HTTP in `serve` mode: each command is a POST to its own path with the input
 * as JSON body, the answer a CommandOutcome; events stream as Server-Sent Events. Shared by the server and
 * the browser client so no path is written twice.
 */
export const HTTP_COMMAND_PREFIX = '/api/commands/'
export const HTTP_EVENTS_PATH = '/api/events'
/** Query parameter that carries the access token where a header cannot (a link, EventSource). */
export const TOKEN_QUERY_PARAMETER = 'token'
/** The name of the SSE message type every contract event is sent as. */
export const HTTP_EVENT_TYPE = 'contract'

export const commandPath = (name: string): string => `${HTTP_COMMAND_PREFIX}${encodeURIComponent(name)}`
