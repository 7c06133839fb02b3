import { CompanionError, describeError } from '../errors.js'

/**
 * The JSON text a value is stored as. Every cache stores this text, not the object, so a value reads back
 * the same from memory as from Redis (a Date comes back as its ISO string) and a caller mutating what it
 * got or gave cannot change what others read.
 */
export function serialiseCacheValue(value: unknown): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (error) {
    // BigInt values and circular objects.
    throw new CompanionError('INVALID_INPUT', `A cached value must be JSON: ${describeError(error)}`, {
      cause: error,
    })
  }
  // `undefined`, functions and symbols have no JSON text, and `undefined` would read back as a miss.
  if (json === undefined) {
    throw new CompanionError('INVALID_INPUT', `A cached value must be JSON, not ${typeof value}`)
  }
  return json
}

export const parseCacheValue = <T>(json: string): T => JSON.parse(json) as T

/** The value as any later reader of the cache will see it. */
export const cloneCacheValue = <T>(value: T): T => parseCacheValue<T>(serialiseCacheValue(value))
