import { describe, expect, it } from 'vitest'
import { compareMtimes, decideBackup } from '../../../src/core/storage/incremental.js'
import type { ManifestEntry } from '../../../src/core/storage/manifest.js'

const HOUR = 3_600_000
const source = { size: 1000, mtimeMs: 1_725_000_000_000 }
const entry = (over: Partial<ManifestEntry> = {}): ManifestEntry => ({
  path: 'a.jpg',
  size: 1000,
  mtimeMs: source.mtimeMs,
  hash: 'h',
  algorithm: 'xxh3-128',
  verifiedAt: 0,
  ...over,
})

describe('incremental decision', () => {
  it('treats FAT 2-second mtime rounding as the same moment', () => {
    expect(compareMtimes(source.mtimeMs, source.mtimeMs + 1_999)).toBe('same')
    expect(compareMtimes(source.mtimeMs, source.mtimeMs - 2_000)).toBe('same')
    expect(compareMtimes(source.mtimeMs, source.mtimeMs + 3_000)).toBe('different')
  })

  it('flags a whole-hour shift (DST on FAT) for confirmation by hash, not a re-copy', () => {
    expect(compareMtimes(source.mtimeMs, source.mtimeMs + HOUR)).toBe('hourShift')
    expect(compareMtimes(source.mtimeMs, source.mtimeMs - 2 * HOUR + 1_000)).toBe('hourShift')
    expect(compareMtimes(source.mtimeMs, source.mtimeMs + HOUR + 30_000)).toBe('different')
    expect(decideBackup(source, { size: 1000, mtimeMs: source.mtimeMs + HOUR }, entry())).toBe(
      'confirmByHash',
    )
  })

  it('skips only a copy that is present, the same size and recorded as verified', () => {
    const copy = { size: 1000, mtimeMs: source.mtimeMs + 1_000 }
    expect(decideBackup(source, copy, entry())).toBe('unchanged')
    expect(decideBackup(source, copy, undefined)).toBe('copy')
    expect(decideBackup(source, undefined, entry())).toBe('copy')
    expect(decideBackup(source, { ...copy, size: 999 }, entry())).toBe('copy')
    expect(decideBackup({ ...source, mtimeMs: source.mtimeMs + 60_000 }, copy, entry())).toBe('copy')
  })
})
