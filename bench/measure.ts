import { spawnSync } from 'node:child_process'

export interface Measurement {
  label: string
  seconds: number
}

/** Runs a command to completion and returns its wall time; a failing command ends the benchmark. */
export function timeCommand(label: string, command: string, args: string[]): Measurement {
  const started = process.hrtime.bigint()
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (run.status !== 0) {
    throw new Error(`${label}: ${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`)
  }
  return { label, seconds }
}

/** Flushes dirty pages so one run's writes are not paid for by the next. */
export function flushDisks(): void {
  spawnSync('sync')
}

export const mbPerSecond = (bytes: number, seconds: number): string => (bytes / 1e6 / seconds).toFixed(0)

export function printRatio(name: string, value: number, target: string): void {
  console.log(`ratio ${name}: ${value.toFixed(2)} (target ${target})`)
}
