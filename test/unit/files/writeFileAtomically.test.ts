import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileAtomically } from '../../../src/core/files/writeFileAtomically.js'

let dir: string
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'atomic-write-'))
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('writeFileAtomically', () => {
  it('lets two writes of one file in the same moment both finish, leaving one of them whole and no temp file', async () => {
    // Two catalog index saves of one card can start within a millisecond; they once shared a temp name and
    // the second rename failed with ENOENT.
    const file = path.join(dir, 'index.json')
    const contents = Array.from({ length: 8 }, (_, index) => `${String(index).repeat(100_000)}\n`)
    await Promise.all(contents.map((content) => writeFileAtomically(file, content)))
    expect(contents).toContain(await fsp.readFile(file, 'utf8'))
    expect(await fsp.readdir(dir)).toEqual(['index.json'])
  })

  it('writes text given in parts as the parts joined', async () => {
    const file = path.join(dir, 'parts.json')
    function* parts() {
      yield '{"a":'
      yield '[1,2,3]'
      yield '}'
    }
    await writeFileAtomically(file, parts())
    expect(JSON.parse(await fsp.readFile(file, 'utf8'))).toEqual({ a: [1, 2, 3] })
  })
})
