import type { CommandOutcome, CompanionBridge, ContractEvent } from '../../../shared/bridge.js'
import type { CommandInput, CommandName, CommandResult } from '../../../shared/contract.js'

let current: CompanionBridge | undefined

/** Set once at start; stores reach core only through this, components never do. */
export function connectCompanion(bridge: CompanionBridge): void {
  current = bridge
}

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
