import type { CompanionErrorData, ErrorCode } from '../shared/errors.js'

/** A failure with a code a user-facing message can be chosen by, and the low-level cause kept for logs. */
export class CompanionError extends Error {
  override readonly name = 'CompanionError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.details = options?.details
  }
  readonly details: Record<string, unknown> | undefined

  toData(): CompanionErrorData {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) }
  }
}

export const isCompanionError = (error: unknown): error is CompanionError => error instanceof CompanionError

/**
 * The whole source is out of reach, not one file: a box whose reconnect attempts are spent, or that now
 * refuses us. Operations stop on it instead of failing every remaining file the same way.
 */
export const isSourceGone = (error: unknown): boolean =>
  isCompanionError(error) &&
  (error.code === 'CONNECTION_FAILED' || error.code === 'HOST_KEY_MISMATCH' || error.code === 'AUTH_FAILED')

/** Node's errno code of a failed fs call, if any. */
export const errnoCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined

/** A readable message from anything thrown, including non-Error values. */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error) ?? String(error)
  } catch {
    return String(error)
  }
}
