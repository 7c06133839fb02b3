import type { CommandOutcome, CompanionBridge, ContractEvent } from '../../../shared/bridge.js'
import type { CommandInput, CommandName, CommandResult } from '../../../shared/contract.js'

let current: CompanionBridge | undefined
let currentTransport: CompanionTransport = 'http'

/** Electron's preload (the desktop app, with a window of its own) or `serve`'s HTTP API (a browser). */
export type CompanionTransport = 'electron' | 'http'

/** Set once at start; stores reach core only through this, components never do. */
export function connectCompanion(bridge: CompanionBridge, transport: CompanionTransport = 'http'): void {
  current = bridge
  currentTransport = transport
}

/**
 * Whether the desktop-only commands (the system's folder dialog, opening a folder) are there: in a browser
 * talking to `serve`, possibly on another computer, they are not, and the screens offer what a page can do.
 */
export const isDesktopApp = (): boolean => currentTransport === 'electron'

function bridge(): CompanionBridge {
  if (!current) throw new Error('connectCompanion() was not called before the first command')
  return current
}

export function callCompanion<N extends CommandName>(
  name: N,
  input: CommandInput<N>,
): Promise<CommandOutcome<CommandResult<N>>> {
  return bridge().invoke(name, input)
}

export function onCompanionEvent(listener: (event: ContractEvent) => void): () => void {
  return bridge().subscribe(listener)
}
