import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCompanion, type Companion } from '../../src/core/companion.js'
import { dispatchCommand } from '../../src/core/dispatch.js'
import { SIMULATED_DRIVES_ENV } from '../../src/core/storage/simulatedDrives.js'

/**
 * The folder browser `serve` offers a page: the home folder and the removable drives (one simulated here by
 * the e2e test hook, a real folder), their folders, and nothing of the laptop's system.
 */
let dir: string
let companion: Companion
const saved = process.env[SIMULATED_DRIVES_ENV]

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-browser-'))
  await fsp.mkdir(path.join(dir, 'drives', 'USB_STICK', 'backups', 'ridge'), { recursive: true })
  await fsp.mkdir(path.join(dir, 'drives', 'USB_STICK', '.hidden'))
  process.env[SIMULATED_DRIVES_ENV] = path.join(dir, 'drives')
  companion = await createCompanion({ dataDir: path.join(dir, 'data') })
})
afterAll(async () => {
  if (saved === undefined) delete process.env[SIMULATED_DRIVES_ENV]
  else process.env[SIMULATED_DRIVES_ENV] = saved
  await companion?.close()
  await fsp.rm(dir, { recursive: true, force: true })
})

const list = (input: object) => dispatchCommand(companion.handlers, 'files.listFolders', input)

describe('the folder browser', () => {
  it('starts at the home folder and the removable drives, and walks into a drive', async () => {
    const places = await list({})
    const stick = path.join(dir, 'drives', 'USB_STICK')
    expect(places).toMatchObject({ ok: true })
    const folders = places.ok ? (places.value as { folders: { path: string }[] }).folders : []
    expect(folders.map((folder) => folder.path)).toEqual(expect.arrayContaining([os.homedir(), stick]))

    const inside = await list({ path: path.join(stick, 'backups') })
    expect(inside).toEqual({
      ok: true,
      value: {
        path: path.join(stick, 'backups'),
        parent: stick,
        folders: [{ path: path.join(stick, 'backups', 'ridge'), name: 'ridge' }],
      },
    })
    const root = await list({ path: stick })
    // At a drive's root "up" is the list of places; hidden folders are not offered.
    expect(root).toEqual({
      ok: true,
      value: { path: stick, folders: [{ path: path.join(stick, 'backups'), name: 'backups' }] },
    })
  })

  it('refuses a folder outside the home folder and the drives, and a relative path', async () => {
    const system = await list({ path: '/etc' })
    expect(system).toMatchObject({ ok: false, error: { code: 'PATH_OUTSIDE_SOURCE' } })
    expect(system.ok ? '' : system.error.message).toMatch(/outside the home folder and the removable drives/)
    expect(await list({ path: 'backups' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })
})
