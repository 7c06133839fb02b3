import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

const repo = path.resolve(import.meta.dirname, '..')

/** The Electron binary npm installed, or why there is none (its download is skipped or impossible here). */
function findElectronBinary(): { executablePath: string } | { reason: string } {
  let executablePath: unknown
  try {
    executablePath = createRequire(import.meta.url)('electron')
  } catch (error) {
    return {
      reason:
        'No Electron binary on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD or no download possible): ' +
        (error instanceof Error ? error.message : String(error)),
    }
  }
  if (typeof executablePath !== 'string' || !fs.existsSync(executablePath)) {
    return { reason: `No Electron binary at ${String(executablePath)}` }
  }
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return {
      reason: 'Electron is installed but there is no display (run under xvfb-run to include this test)',
    }
  }
  return { executablePath }
}

test('the desktop app opens its window and talks to core through the preload bridge', async () => {
  const found = findElectronBinary()
  if ('reason' in found) {
    process.stderr.write(`Electron test skipped: ${found.reason}\n`)
    test.skip(true, found.reason)
    return
  }
  const userData = await fsp.mkdtemp(path.join(os.tmpdir(), 'creaturebox-electron-'))
  const app = await electron.launch({
    executablePath: found.executablePath,
    args: [repo, `--user-data-dir=${userData}`],
    // Linux keeps userData under $XDG_CONFIG_HOME: the test must not touch the user's own job history.
    env: { ...process.env, XDG_CONFIG_HOME: userData } as Record<string, string>,
  })
  try {
    const window = await app.firstWindow()
    await expect(window.getByRole('navigation', { name: 'Screens' })).toBeVisible()
    await expect(window.getByText('Desktop app')).toBeVisible()
    await window.getByRole('button', { name: /^Jobs/ }).click()
    await expect(window.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible()
    await expect(window.getByRole('alert')).toHaveCount(0)
  } finally {
    await app.close()
    await fsp.rm(userData, { recursive: true, force: true })
  }
})
