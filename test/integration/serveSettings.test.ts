import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServe, type RunningServe } from '../support/serveProcess.js'

let dir: string
const running: RunningServe[] = []

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-settings-'))
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((serve) => serve.stop()))
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

const serveOn = async (dataDir: string) => {
  const serve = await startServe(['--data-dir', dataDir])
  running.push(serve)
  return serve
}

describe('settings over serve', () => {
  it('keeps the saved drives and folders when the user then picks a theme, also after a restart', async () => {
    const dataDir = path.join(dir, 'data')
    const drives = ['/media/BACKUP', '/media/BACKUP2']
    const folders = ['/data/cards/ridge']
    const first = await serveOn(dataDir)
    expect(
      (
        await first.command('settings.update', {
          destinations: drives,
          folders,
          preferences: { daysToKeep: 7 },
        })
      ).status,
    ).toBe(200)
    const themed = await first.command('settings.update', { preferences: { theme: 'dark' } })
    expect(themed.body).toMatchObject({ ok: true, value: { destinations: drives, folders } })

    const expected = { destinations: drives, folders, preferences: { theme: 'dark', daysToKeep: 7 } }
    expect((await first.command('settings.get', {})).body).toMatchObject({ ok: true, value: expected })

    await first.stop()
    const second = await serveOn(dataDir)
    expect((await second.command('settings.get', {})).body).toMatchObject({ ok: true, value: expected })
    // Adding a folder afterwards keeps the drives and the theme too.
    await second.command('settings.update', { folders: [...folders, '/data/cards/pond'] })
    expect((await second.command('settings.get', {})).body).toMatchObject({
      value: { destinations: drives, preferences: { theme: 'dark', daysToKeep: 7 } },
    })
  }, 60_000)
})
