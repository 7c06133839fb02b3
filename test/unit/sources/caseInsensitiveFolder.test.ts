import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCaseInsensitiveFolder, LocalSource } from '../../../src/core/sources/localSource.js'

let dir: string
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'case-'))
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('a local source says whether its names ignore case', () => {
  it('asks the file system: ext4 tells Photo.jpg and PHOTO.JPG apart', async () => {
    const card = path.join(dir, 'ext4-card')
    await fsp.mkdir(card)
    await fsp.writeFile(path.join(card, 'Photo.jpg'), 'x')
    expect(await isCaseInsensitiveFolder(card)).toBe(false)
    expect((await LocalSource.open(card)).features).toMatchObject({ localRoot: card, caseInsensitive: false })
  })

  it('gives the cautious answer where nothing can tell (an empty card, names without letters)', async () => {
    const empty = path.join(dir, 'empty')
    await fsp.mkdir(empty)
    expect(await isCaseInsensitiveFolder(empty)).toBe(true)
    await fsp.writeFile(path.join(empty, '0001.123'), 'x')
    expect(await isCaseInsensitiveFolder(empty)).toBe(true)
  })
})
