import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  destinationNamesFor,
  mapCharacters,
  namesOnDrive,
} from '../../../src/core/storage/destinationNames.js'
import type { ManifestEntry } from '../../../src/core/storage/manifest.js'

let dir: string
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'names-'))
  await fsp.writeFile(path.join(dir, 'creaturebox-manifest.jsonl'), '')
})
afterAll(() => fsp.rm(dir, { recursive: true, force: true }))

const entry = (cardPath: string, storedAs?: string): ManifestEntry => ({
  path: cardPath,
  ...(storedAs ? { storedAs } : {}),
  size: 1,
  mtimeMs: 0,
  hash: 'h',
  algorithm: 'xxh3-128',
  verifiedAt: 0,
})

describe('names on a drive', () => {
  it('maps every character FAT, exFAT and Windows refuse to a look-alike, per path segment', () => {
    expect(mapCharacters('a:b/c?d*.jpg')).toBe('a\uFF1Ab/c\uFF1Fd\uFF0A.jpg')
    expect(mapCharacters('night. /x.. ')).toBe('night\uFF0E\u2420/x\uFF0E\uFF0E\u2420')
    expect(mapCharacters('tab\there')).toBe('tab\u2409here')
    expect(mapCharacters('photos/ok_2024.jpg')).toBe('photos/ok_2024.jpg')
  })

  it('leaves every name alone on a drive that holds them all (this ext4 temp folder)', async () => {
    const names = await destinationNamesFor(dir, new Map(), ['A.jpg', 'a.jpg', 'x:y'])
    expect(names.caseInsensitive).toBe(false)
    expect(['A.jpg', 'a.jpg', 'x:y'].map(names.storedAs)).toEqual(['A.jpg', 'a.jpg', 'x:y'])
    expect(names.refusal({ path: 'big', size: 5 * 1024 ** 3, mtimeMs: 0 })).toBeUndefined()
  })

  it('never gives a new card file the name a copy of a photo no longer on the card holds', () => {
    const rules = { caseInsensitive: true, windowsNames: true }
    // a/IMG.jpg was backed up, then cleaned off the card; a different a/img.jpg arrives.
    const manifest = new Map([['a/IMG.jpg', entry('a/IMG.jpg')]])
    const name = namesOnDrive(['a/img.jpg'], manifest, rules).get('a/img.jpg')
    expect(name).toMatch(/^a\/img~[0-9a-f]{8}\.jpg$/)
    // While a/IMG.jpg is still on the card, the recorded name stays its own.
    expect(namesOnDrive(['a/IMG.jpg'], manifest, rules).size).toBe(0)
  })

  it('tells case variants apart with a suffix from their own path, and keeps a name the manifest recorded', () => {
    const rules = { caseInsensitive: true, windowsNames: true }
    const first = namesOnDrive(['p/b.jpg', 'p/B.JPG'], new Map(), rules)
    expect(first.get('p/B.JPG')).toBeUndefined()
    expect(first.get('p/b.jpg')).toMatch(/^p\/b~[0-9a-f]{8}\.jpg$/)
    // A later run: the card gained p/b.JPG, which sorts before p/b.jpg; the recorded names do not move.
    const manifest = new Map([
      ['p/B.JPG', entry('p/B.JPG')],
      ['p/b.jpg', entry('p/b.jpg', first.get('p/b.jpg'))],
    ])
    const later = namesOnDrive(['p/B.JPG', 'p/b.JPG', 'p/b.jpg'], manifest, rules)
    expect(later.get('p/B.JPG')).toBeUndefined()
    expect(later.get('p/b.jpg')).toBe(first.get('p/b.jpg'))
    expect(later.get('p/b.JPG')).toMatch(/^p\/b~[0-9a-f]{8}\.JPG$/)
    expect(new Set([...later.values()].map((name) => name.toUpperCase())).size).toBe(2)
    expect(namesOnDrive(['a:b'], new Map(), rules).get('a:b')).toBe('a\uFF1Ab')
    // Folders differing only in case get one spelling: the manifest's, else the first by code point.
    expect(namesOnDrive(['x/Notes/a', 'x/NOTES/b'], new Map(), rules).get('x/Notes/a')).toBe('x/NOTES/a')
    const recorded = new Map([['x/Notes/a', entry('x/Notes/a')]])
    expect(namesOnDrive(['x/Notes/a', 'x/NOTES/b'], recorded, rules).get('x/NOTES/b')).toBe('x/Notes/b')
    expect(namesOnDrive(['a:b'], new Map(), { caseInsensitive: false, windowsNames: false }).size).toBe(0)
  })
})
