import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../support/serveProcess.js'
import { startInProcessServe, type InProcessServe } from '../support/inProcessServe.js'

const TOKEN = 'test-token-0123456789abcdef'

let dir: string
let running: InProcessServe
let base: string
let cookieName: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-hardening-'))
  const ui = path.join(dir, 'ui')
  await fsp.mkdir(path.join(ui, 'assets'), { recursive: true })
  await fsp.writeFile(path.join(ui, 'index.html'), '<!doctype html><title>ui</title>')
  await fsp.writeFile(path.join(ui, 'assets', 'app.js'), 'console.log(1)')
  const outside = path.join(dir, 'home')
  await fsp.mkdir(outside)
  await fsp.writeFile(path.join(outside, 'secret.txt'), 'not for the browser')
  // Links inside the UI folder: two lead out of it, one stays inside.
  await fsp.symlink(path.join(outside, 'secret.txt'), path.join(ui, 'leak.txt'))
  await fsp.symlink(outside, path.join(ui, 'assets', 'home'))
  await fsp.symlink(path.join(ui, 'assets', 'app.js'), path.join(ui, 'alias.js'))
  // The UI folder itself reached through a link, as an installed package may be.
  const linkedUi = path.join(dir, 'ui-link')
  await fsp.symlink(ui, linkedUi)

  running = await startInProcessServe({
    dataDir: path.join(dir, 'data'),
    token: TOKEN,
    rendererDir: linkedUi,
  })
  base = running.base
  cookieName = `creaturebox_token_${running.port}`
})
afterAll(async () => {
  await running.close()
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('serve: a malformed token cookie', () => {
  it('is answered 401 (not 500), and does not spoil a request that carries the token', async () => {
    for (const cookie of [`${cookieName}=%`, `${cookieName}=%E0%A4%A`, `other=1; ${cookieName}=%zz`]) {
      const page = await fetch(`${base}/`, { headers: { Cookie: cookie } })
      expect(page.status, cookie).toBe(401)
      expect(await page.text()).toContain('needs its access token')
    }
    const withBearer = await fetch(`${base}/`, {
      headers: { Cookie: `${cookieName}=%`, Authorization: `Bearer ${TOKEN}` },
    })
    expect(withBearer.status).toBe(200)
    const withGoodCookieToo = await fetch(`${base}/assets/app.js`, {
      headers: { Cookie: `${cookieName}=%; ${cookieName}=${encodeURIComponent(TOKEN)}` },
    })
    expect(withGoodCookieToo.status).toBe(200)
  })
})

describe('serve: symlinks in the UI folder', () => {
  const get = (route: string, method = 'GET') =>
    fetch(base + route, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Accept-Encoding': 'identity' },
    })

  it('never serves a file whose real path is outside the UI folder, but still serves the UI', async () => {
    for (const route of ['/leak.txt', '/assets/home/secret.txt']) {
      for (const method of ['GET', 'HEAD']) {
        const response = await get(route, method)
        expect(response.status, `${method} ${route}`).toBe(404)
        expect(await response.text()).not.toContain('not for the browser')
      }
    }
    // The UI folder is reached through a link itself; its files and a link staying inside it are served.
    expect(await (await get('/')).text()).toContain('<title>ui</title>')
    expect(await (await get('/assets/app.js')).text()).toBe('console.log(1)')
    expect(await (await get('/alias.js')).text()).toBe('console.log(1)')
    const head = await get('/assets/app.js', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String('console.log(1)'.length))
  })
})

describe('serve: the access token it is started with', () => {
  const startServe = (args: string[], env: Record<string, string | undefined> = {}) =>
    spawnSync(
      process.execPath,
      [cli, 'serve', '--port', '0', '--data-dir', path.join(dir, 'cli-data'), ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, CREATUREBOX_TOKEN: undefined, ...env },
        // A serve that wrongly starts never exits by itself: end it so the test reports instead of hanging.
        timeout: 15_000,
      },
    )

  it('refuses a blank token, or one with spaces, from --token or CREATUREBOX_TOKEN, as a usage error', () => {
    const blanks = [' '.repeat(20), '', '\t'.repeat(16), 'field station token 0001']
    for (const token of blanks) {
      for (const run of [startServe(['--token', token]), startServe([], { CREATUREBOX_TOKEN: token })]) {
        expect(run.status, JSON.stringify(token)).toBe(2)
        expect(run.stderr, JSON.stringify(token)).toContain('the access token is blank or contains spaces')
        expect(run.stdout).not.toContain('serving at')
      }
    }
  }, 120_000)

  it('refuses an empty --data-dir, --ui or --source as a usage error', () => {
    for (const args of [
      ['--data-dir', ''],
      ['--ui', ' '],
      ['--source', ''],
    ]) {
      const run = startServe(args)
      expect(run.status, JSON.stringify(args)).toBe(2)
      expect(run.stderr).toContain('the path is empty')
    }
  }, 60_000)
})
