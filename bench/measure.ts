import { spawnSync } from 'node:child_process'

/** Runs a command to completion and returns its wall time in seconds; a failing command ends the benchmark. */
export function timeCommand(label: string, command: string, args: string[]): number {
  const started = process.hrtime.bigint()
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (run.status !== 0) {
    throw new Error(`${label}: ${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`)
  }
  return seconds
}

/** Flushes dirty pages so one run's writes are not paid for by the next. */
export function flushDisks(): void {
  spawnSync('sync')
}

/**
 * Empties the page cache so the next run reads the card from the disk, as from a real card; false where the
 * kernel does not allow it (not root), and the caller says so.
 */
export function dropCaches(): boolean {
  flushDisks()
  return spawnSync('sh', ['-c', 'echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' }).status === 0
}

/** The middle value: one slow run (another process, a writeback burst) does not decide a ratio. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

export const mbPerSecond = (bytes: number, seconds: number): string => (bytes / 1e6 / seconds).toFixed(0)

export function printRatio(name: string, value: number, target: string): void {
  console.log(`ratio ${name}: ${value.toFixed(2)} (target ${target})`)
}

/**
 * What any Node program pays, in a new process, to list these folders and stat every file in them (the
 * synchronous calls, the cheapest Node has): the floor under a Node CLI that must look at every file, where
 * `find` and `rsync` pay a C program's start and a bare system call per file.
 */
export function timeNodeStatWalk(folders: string[]): number {
  const walk = `const fs = require('node:fs')
    const walk = (folder) => {
      for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
        const full = folder + '/' + entry.name
        if (entry.isDirectory()) walk(full)
        else if (entry.isFile()) fs.statSync(full)
      }
    }
    for (const folder of process.argv.slice(1)) walk(folder)`
  return timeCommand('node stat walk', process.execPath, ['-e', walk, ...folders])
}
