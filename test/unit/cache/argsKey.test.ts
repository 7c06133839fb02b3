import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { argsKey } from '../../../src/core/cache/argsKey.js'

/** The same value with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, inner]) => [key, reversedKeys(inner)]),
    )
  }
  return value
}

describe('argsKey', () => {
  it('does not depend on the order of object keys', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), (args) => {
        expect(argsKey(reversedKeys(args) as unknown[])).toBe(argsKey(args))
      }),
    )
  })

  it('gives different keys to different arguments', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.array(fc.jsonValue()), (a, b) => {
        fc.pre(!sameJson(a, b))
        expect(argsKey(a)).not.toBe(argsKey(b))
      }),
    )
  })

  it('tells apart values that JSON would confuse', () => {
    const keys = [[undefined], [null], [Number.NaN], [Infinity], ['1'], [1], [1n], [new Date(0)], [0]].map(
      argsKey,
    )
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('refuses a cycle', () => {
    const loop: unknown[] = []
    loop.push(loop)
    expect(() => argsKey([loop])).toThrow(/cycle/)
  })
})

/** Deep equality of JSON values with object key order ignored (and -0 equal to 0, as in JSON). */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameJson(item, b[i]))
    )
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const aKeys = Object.keys(a).sort()
    const bKeys = Object.keys(b).sort()
    return (
      sameJson(aKeys, bKeys) &&
      aKeys.every((key) => sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
    )
  }
  return a === b
}
