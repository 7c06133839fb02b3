import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
let dir: string
let child: ChildProcessWithoutNullStreams | undefined

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-cli-'))
})
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  child = undefined
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

/** Starts `creaturebox serve` as a user would and returns the first line it prints. */
async function startServe(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const started = spawn(
    process.execPath,
    [cli, 'serve', '--port', '0', '--data-dir', path.join(dir, 'data'), ...args],
    {
      env: { ...process.env, CREATUREBOX_TOKEN: undefined, ...env },
    },
  )
  child = started
  return new Promise<string>((resolve, reject) => {
    started.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
    readline.createInterface({ input: started.stdout }).once('line', resolve)
  })
}

describe('creaturebox serve', () => {
  it('prints the full address with a fresh random token, which the API then requires', async () => {
    const line = await startServe([])
    const url = new URL(line.match(/http:\/\/\S+/)?.[0] ?? '')
    expect(url.hostname).toBe('127.0.0.1')
    const token = url.searchParams.get('token') ?? ''
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const api = new URL('/api/commands/jobs.list', url)
    expect((await fetch(api, { method: 'POST' })).status).toBe(401)
    const allowed = await fetch(api, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
    expect(await allowed.json()).toEqual({ ok: true, value: [] })
  })

  it('takes the token from CREATUREBOX_TOKEN', async () => {
    const line = await startServe([], { CREATUREBOX_TOKEN: 'field-station-token-0001' })
    expect(line).toContain('?token=field-station-token-0001')
  })

  it('refuses a token too short to be safe, as a usage error', () => {
    const run = spawnSync(
      process.execPath,
      [cli, 'serve', '--token', 'short', '--data-dir', path.join(dir, 'data')],
      {
        encoding: 'utf8',
      },
    )
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('at least 16 characters')
  })
})
