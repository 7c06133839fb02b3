import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

export const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))

export interface RunningServe {
  child: ChildProcessWithoutNullStreams
  /** The address serve printed, with its token. */
  url: URL
  token: string
  /** POSTs a contract command with the token, as the UI does, and returns the parsed outcome. */
  command(name: string, input: unknown): Promise<{ status: number; body: CommandBody }>
  /** POSTs JSON to any route (the original web app's REST routes too) with the token. */
  post(route: string, input: unknown): Promise<{ status: number; body: CommandBody }>
  /** SIGTERM, then waits for the exit: serve flushes job history and settings before it ends. */
  stop(): Promise<void>
}

export interface CommandBody {
  ok: boolean
  value?: unknown
  error?: { code: string; message: string }
}

/** Starts `creaturebox serve --port 0` as a user would and resolves once it printed its address. */
export async function startServe(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<RunningServe> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], {
    env: { ...process.env, CREATUREBOX_TOKEN: undefined, ...env },
    cwd,
  })
  let stderr = ''
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)))
    readline.createInterface({ input: child.stdout }).once('line', resolve)
  })
  const url = new URL(line.match(/http:\/\/\S+/)?.[0] ?? '')
  const token = url.searchParams.get('token') ?? ''
  const postJson = async (route: string, input: unknown) => {
    const response = await fetch(new URL(route, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    })
    return { status: response.status, body: (await response.json()) as CommandBody }
  }
  return {
    child,
    url,
    token,
    command: (name, input) => postJson(`/api/commands/${name}`, input),
    post: (route, input) => postJson(route, input),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
