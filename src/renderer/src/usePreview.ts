import { useCallback, useRef, useState } from 'react'
import type { CommandOutcome } from '../../shared/bridge.js'
import type { CompanionErrorData } from '../../shared/errors.js'

export interface Preview<T> {
  value: T | undefined
  error: CompanionErrorData | undefined
  loading: boolean
  /** Runs the dry run; the answer of an older request never overwrites a newer one. */
  run(request: () => Promise<CommandOutcome<T>>): Promise<void>
  clear(): void
}

/** A dry run's answer, held by the screen that asked until the user confirms or changes the inputs. */
export function usePreview<T>(): Preview<T> {
  const [state, setState] = useState<{ value?: T; error?: CompanionErrorData; loading: boolean }>({
    loading: false,
  })
  const latest = useRef(0)
  const run = useCallback(async (request: () => Promise<CommandOutcome<T>>) => {
    const mine = ++latest.current
    setState({ loading: true })
    const outcome = await request()
    if (latest.current !== mine) return
    setState(outcome.ok ? { value: outcome.value, loading: false } : { error: outcome.error, loading: false })
  }, [])
  const clear = useCallback(() => {
    latest.current++
    setState({ loading: false })
  }, [])
  return { value: state.value, error: state.error, loading: state.loading, run, clear }
}
