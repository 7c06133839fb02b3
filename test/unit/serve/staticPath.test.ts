import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAccessToken } from '../../../src/cli/serve/accessToken.js'
import { resolveStaticPath } from '../../../src/cli/serve/staticFiles.js'

const root = path.resolve('/srv/creaturebox/out/renderer')
const isInside = (file: string) => file.startsWith(root + path.sep)

describe('the UI files serve hands out', () => {
  it('maps / to index.html and an asset to its file', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'))
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(path.join(root, 'assets', 'index-abc.js'))
  })

  it('never names a file outside the UI folder, whatever the URL path', () => {
    const segment = fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2E',
      '..%2f',
      '%2f',
      '%5c',
      '%00',
      'assets',
      'a',
      '',
      '~',
    )
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const resolved = resolveStaticPath(root, '/' + segments.join('/'))
        expect(resolved === undefined || isInside(resolved)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses encoded traversal, backslashes and NUL bytes', () => {
    for (const attempt of [
      '/../etc/passwd',
      '/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fetc',
      '/..\\..\\x',
      '/a%00.js',
      '/%E0%A4%A',
    ]) {
      expect(resolveStaticPath(root, attempt), attempt).toBeUndefined()
    }
  })
})

describe('the access token check', () => {
  it('accepts only the exact token', () => {
    const token = 'Zx8k3M0qv9d1B7yTnq2lW4rE6uI5oP0aS3dF8gH1jK2'
    expect(isAccessToken(token, token)).toBe(true)
    expect(isAccessToken(undefined, token)).toBe(false)
    expect(isAccessToken('', token)).toBe(false)
    expect(isAccessToken(token.slice(0, -1), token)).toBe(false)
    expect(isAccessToken(token + 'x', token)).toBe(false)
    expect(isAccessToken(token.toLowerCase(), token)).toBe(false)
  })
})
