import type { CompanionErrorData } from './errors.js'
import type { CommandInput, CommandName, CommandResult, EventName, EventPayload } from './contract.js'

/** What every adapter returns for a command: a value, or a typed error (never a stack trace). */
export type CommandOutcome<T = unknown> = { ok: true; value: T } | { ok: false; error: CompanionErrorData }

export type ContractEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName]

/** The object the preload exposes as `window.creaturebox`, and the HTTP client imitates in a browser. */
export interface CompanionBridge {
  invoke<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutcome<CommandResult<N>>>
  subscribe(listener: (event: ContractEvent) => void): () => void
}
