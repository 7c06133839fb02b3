import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SETTINGS_FILE_NAME, SettingsStore } from '../../../src/core/settings/settingsStore.js'

let dir: string
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'settings-'))
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('the settings store', () => {
  it('starts from defaults and finds an update again after a restart', async () => {
    const store = await SettingsStore.open(dir)
    expect(store.get()).toMatchObject({
      folders: [],
      destinations: [],
      boxes: [],
      preferences: { theme: 'system' },
    })
    await store.update({
      destinations: ['/media/BACKUP', '/media/BACKUP'],
      boxes: [
        {
          id: 'b1',
          name: 'Ridge box',
          host: '10.42.0.1',
          port: 22,
          username: 'pi',
          photosPath: '~/CreatureBox/photos',
        },
      ],
      preferences: { theme: 'dark' },
    })
    const reopened = await SettingsStore.open(dir)
    expect(reopened.get()).toMatchObject({
      destinations: ['/media/BACKUP'],
      boxes: [{ name: 'Ridge box', host: '10.42.0.1' }],
      preferences: { theme: 'dark', daysToKeep: 30 },
    })
  })

  it('applies concurrent updates in call order, each merging preferences', async () => {
    const store = await SettingsStore.open(dir)
    await Promise.all([
      store.update({ preferences: { daysToKeep: 5 } }),
      store.update({ preferences: { organizeBy: 'date' } }),
      store.update({ folders: ['/data/cards/A'] }),
    ])
    const reopened = await SettingsStore.open(dir)
    expect(reopened.get()).toMatchObject({
      folders: ['/data/cards/A'],
      preferences: { daysToKeep: 5, organizeBy: 'date' },
    })
  })

  it('keeps an unreadable settings file aside instead of overwriting it, and starts from defaults', async () => {
    await fsp.writeFile(path.join(dir, SETTINGS_FILE_NAME), '{"folders": 42')
    const store = await SettingsStore.open(dir)
    expect(store.get().folders).toEqual([])
    const kept = (await fsp.readdir(dir)).filter((name) =>
      name.startsWith(`${SETTINGS_FILE_NAME}.unreadable-`),
    )
    expect(kept).toHaveLength(1)
    expect(await fsp.readFile(path.join(dir, kept[0]!), 'utf8')).toBe('{"folders": 42')
  })
})
