import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isEqualOrParent, parentOf } from '../../src/shared/paths.js'

const segment = fc.stringMatching(/^[A-Za-z0-9._ -]{1,8}$/).filter((s) => s !== '.' && s !== '..')
const relative = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'))

describe('isEqualOrParent', () => {
  it('holds a path inside a folder and the folder itself, at any depth', () => {
    fc.assert(
      fc.property(relative, relative, (folder, rest) => {
        expect(isEqualOrParent(`${folder}/${rest}`, folder)).toBe(true)
        expect(isEqualOrParent(`/${folder}/${rest}`, `/${folder}`)).toBe(true)
        expect(isEqualOrParent(folder, folder)).toBe(true)
      }),
    )
  })

  it('never takes a sibling that merely starts with the same letters for a child', () => {
    fc.assert(
      fc.property(relative, segment, (folder, extra) => {
        expect(isEqualOrParent(`${folder}${extra}`, folder)).toBe(false)
        expect(isEqualOrParent(`${folder}${extra}/x.jpg`, folder)).toBe(false)
      }),
    )
  })

  it('a card root holds every relative path, / every absolute one; a child never holds its parent', () => {
    fc.assert(
      fc.property(relative, segment, (folder, name) => {
        expect(isEqualOrParent(folder, '')).toBe(true)
        expect(isEqualOrParent(`/${folder}`, '/')).toBe(true)
        expect(isEqualOrParent(folder, `${folder}/${name}`)).toBe(false)
        expect(parentOf(`${folder}/${name}`)).toBe(folder)
      }),
    )
  })

  it('compares case only when asked to ignore it', () => {
    expect(isEqualOrParent('/media/CARD/photos', '/media/card')).toBe(false)
    expect(isEqualOrParent('/media/CARD/photos', '/media/card', true)).toBe(true)
    expect(isEqualOrParent('/media/cardX', '/media/CARD', true)).toBe(false)
  })
})
