import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findPiBoxFolders } from '../../../src/core/sources/piCard.js'

let dir: string
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'picard-unit-'))
})
afterAll(() => fsp.rm(dir, { recursive: true, force: true }))

describe('findPiBoxFolders', () => {
  it("never takes this computer's own / for a card, even where it looks like a Pi's", async () => {
    expect(await findPiBoxFolders('/')).toBeUndefined()
  })

  it('finds every box folder with photos on a rootfs, under any user, and none on a plain folder', async () => {
    const rootfs = path.join(dir, 'rootfs')
    for (const folder of [
      'etc',
      'usr',
      'home/pi/CreatureBox/photos',
      'home/field/Desktop/Mothbox/photos',
      'opt/creaturebox/photos',
      'home/pi/Desktop/Mothbox', // no photos folder: not a box
    ])
      await fsp.mkdir(path.join(rootfs, folder), { recursive: true })
    expect(await findPiBoxFolders(rootfs)).toEqual([
      { kind: 'CreatureBox', folder: path.join(rootfs, 'home/pi/CreatureBox') },
      { kind: 'CreatureBox', folder: path.join(rootfs, 'opt/creaturebox') },
      { kind: 'Mothbox', folder: path.join(rootfs, 'home/field/Desktop/Mothbox') },
    ])
    expect(await findPiBoxFolders(path.join(rootfs, 'home'))).toBeUndefined()
  })
})
