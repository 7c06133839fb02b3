import { z } from 'zod'
import {
  commands,
  isCommandName,
  type CommandArgs,
  type CommandName,
  type CommandResult,
} from '../shared/contract.js'
import type { CommandOutcome } from '../shared/bridge.js'
import type { CompanionErrorData } from '../shared/errors.js'
import { describeError, isCompanionError } from './errors.js'

/** One function per command, receiving input already validated against the contract. */
export type CommandHandlers = {
  [N in CommandName]: (args: CommandArgs<N>) => Promise<CommandResult<N>>
}

/**
 * The single entry every adapter (Electron IPC, HTTP `serve`, tests) goes through: checks the command name,
 * validates the raw input with the contract's zod schema before any core code sees it, runs the handler
 * and turns every failure into a typed, user-readable error.
 */
export async function dispatchCommand(
  handlers: CommandHandlers,
  name: unknown,
  rawInput: unknown,
): Promise<CommandOutcome> {
  if (!isCommandName(name)) {
    return failure({ code: 'UNKNOWN_COMMAND', message: `Unknown command: ${String(name)}` })
  }
  const parsed = commands[name].input.safeParse(rawInput ?? {})
  if (!parsed.success) {
    return failure({
      code: 'INVALID_INPUT',
      message: `Invalid input for ${name}: ${z.prettifyError(parsed.error)}`,
    })
  }
  try {
    const handler = handlers[name] as (args: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (error) {
    return failure(toErrorData(error))
  }
}

export function toErrorData(error: unknown): CompanionErrorData {
  if (isCompanionError(error)) return error.toData()
  return { code: 'INTERNAL', message: describeError(error) }
}

const failure = (error: CompanionErrorData): CommandOutcome => ({ ok: false, error })
