import type { CompanionErrorData } from '../shared/errors.js'

export interface OutputOptions {
  json: boolean
}

/** Writes a command's result: JSON on stdout for scripts, or the human summary. */
export function printResult(options: OutputOptions, value: unknown, human: () => string): void {
  process.stdout.write(options.json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n')
}

export function printError(options: OutputOptions, error: CompanionErrorData): void {
  if (options.json) process.stdout.write(JSON.stringify({ error }, null, 2) + '\n')
  process.stderr.write(`creaturebox: ${error.message}\n`)
}
