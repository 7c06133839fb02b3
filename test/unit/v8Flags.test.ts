import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TRANSFER_V8_FLAGS } from '../../src/core/v8Flags.js'

describe('V8 flags for transfers', () => {
  it('are the ones the desktop app gives Electron in package.json', () => {
    const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(manifest.v8Flags).toBe(TRANSFER_V8_FLAGS)
  })
})
