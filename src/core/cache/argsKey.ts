import { CompanionError } from '../errors.js'

/**
 * Text that is equal for equal arguments: object keys are sorted, so `{ a, b }` and `{ b, a }` give one
 * key. Only plain data is accepted; a class instance, Map, function or cycle would either collide (a Map's
 * JSON is `{}`) or say nothing about the result, so those are refused rather than guessed at.
 */
export function argsKey(args: readonly unknown[]): string {
  return keyOf(args, [])
}

function keyOf(value: unknown, ancestors: readonly object[]): string {
  if (value === null) return 'null'
  if (typeof value === 'function') throw unkeyable('a function')
  if (typeof value !== 'object') return keyOfPrimitive(value)
  if (ancestors.includes(value)) throw unkeyable('a cycle')
  const inside = [...ancestors, value]
  if (Array.isArray(value)) return `[${value.map((item: unknown) => keyOf(item, inside)).join(',')}]`
  if (value instanceof Date) return `Date(${value.getTime()})`
  const prototype = Object.getPrototypeOf(value) as unknown
  if (prototype !== Object.prototype && prototype !== null) {
    throw unkeyable(`a ${value.constructor?.name || 'class'} instance`)
  }
  const record = value as Record<string, unknown>
  const fields = Object.keys(record)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${keyOf(record[name], inside)}`)
  return `{${fields.join(',')}}`
}

function keyOfPrimitive(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      // JSON writes NaN and Infinity as null; keep them apart.
      return Number.isFinite(value) ? JSON.stringify(value) : String(value)
    case 'bigint':
      return `${value}n`
    case 'symbol':
      throw unkeyable('a symbol')
    default:
      return String(value)
  }
}

const unkeyable = (what: string): CompanionError =>
  new CompanionError(
    'INVALID_INPUT',
    `Cannot derive a cache key from an argument holding ${what}; pass a \`key\` function to cached()`,
  )
