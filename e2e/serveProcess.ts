import { spawn } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'

const repo = path.resolve(import.meta.dirname, '..')

export interface ServeProcess {
  /** The address with the token, as serve printed it. */
  url: string
  port: number
  stop(): Promise<void>
}

/** Starts `creaturebox serve` from the command line, as a user would, and waits for its address. */
export async function startServe(args: string[], token: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [path.join(repo, 'bin/creaturebox.js'), '--json', 'serve', ...args], {
    cwd: repo,
    env: { ...process.env, CREATUREBOX_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`creaturebox serve exited with ${code} before it listened`)),
    )
    readline.createInterface({ input: child.stdout }).once('line', resolve)
  })
  const { url, port } = JSON.parse(firstLine) as { url: string; port: number }
  return {
    url,
    port,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
