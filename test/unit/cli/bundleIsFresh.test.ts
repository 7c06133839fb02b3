import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bundleIsFresh } from '../../../bin/bundleIsFresh.js'

let root: string
const bundle = () => path.join(root, 'out', 'cli', 'creaturebox.mjs')
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000)

async function writeAt(relative: string, minutesAgo: number): Promise<void> {
  const file = path.join(root, relative)
  await fsp.mkdir(path.dirname(file), { recursive: true })
  await fsp.writeFile(file, '// test')
  await fsp.utimes(file, at(minutesAgo), at(minutesAgo))
}

beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'bundle-'))
  await writeAt('src/cli/main.ts', 30)
  await writeAt('src/core/storage/backup.ts', 30)
  await writeAt('src/shared/contract.ts', 30)
})
afterEach(async () => {
  await fsp.rm(root, { recursive: true, force: true })
})

describe('bundleIsFresh (which CLI bin/creaturebox.js runs)', () => {
  it('runs the bundle built after the last edit', async () => {
    await writeAt('out/cli/creaturebox.mjs', 10)
    expect(bundleIsFresh(root, bundle())).toBe(true)
  })

  it('runs the sources when any of them, however deep, was edited after the build', async () => {
    await writeAt('out/cli/creaturebox.mjs', 10)
    await writeAt('src/core/storage/backup.ts', 1)
    expect(bundleIsFresh(root, bundle())).toBe(false)
  })

  it('runs the sources when there is no bundle yet', () => {
    expect(bundleIsFresh(root, bundle())).toBe(false)
  })
})
