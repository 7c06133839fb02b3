import { create } from 'zustand'
import type { CardBackupInfo, DestinationCheck } from '../../../shared/cardBackups.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { callCompanion } from '../bridge/companion.js'

/** A destination's check: under way, answered, or the check itself failed (the card could not be read). */
export type CheckState =
  | { state: 'checking' }
  | { state: 'checked'; check: DestinationCheck }
  | { state: 'error'; error: CompanionErrorData }

interface CardBackupState {
  /** The card the figures below belong to; anything else is thrown away when the card changes. */
  source: string | undefined
  info: CardBackupInfo | undefined
  error: CompanionErrorData | undefined
  checks: Record<string, CheckState>
  /** Reads the card's remembered drives and checks each of them, so the ticks show only drives there. */
  load(source: string): Promise<void>
  check(source: string, destination: string): Promise<CheckState>
  setAutoBackup(source: string, enabled: boolean): Promise<CompanionErrorData | undefined>
}

export const useCardBackupStore = create<CardBackupState>()((set, get) => ({
  source: undefined,
  info: undefined,
  error: undefined,
  checks: {},
  load: async (source) => {
    if (get().source !== source) set({ source, info: undefined, error: undefined, checks: {} })
    const outcome = await callCompanion('storage.cardBackup', { source })
    if (get().source !== source) return
    if (!outcome.ok) return set({ error: outcome.error })
    set({ info: outcome.value, error: undefined })
    await Promise.all(outcome.value.destinations.map((destination) => get().check(source, destination)))
  },
  check: async (source, destination) => {
    const put = (entry: CheckState) => {
      if (get().source === source) set((state) => ({ checks: { ...state.checks, [destination]: entry } }))
      return entry
    }
    put({ state: 'checking' })
    const outcome = await callCompanion('storage.checkDestination', { source, destination })
    return put(
      outcome.ok ? { state: 'checked', check: outcome.value } : { state: 'error', error: outcome.error },
    )
  },
  setAutoBackup: async (source, enabled) => {
    const outcome = await callCompanion('storage.setAutoBackup', { source, enabled })
    if (!outcome.ok) return outcome.error
    if (get().source === source) set({ info: outcome.value })
    return undefined
  },
}))

/** The check's answer when it accepted the drive; undefined while checking or when refused. */
export const acceptedCheck = (entry: CheckState | undefined): DestinationCheck | undefined =>
  entry?.state === 'checked' && entry.check.accepted ? entry.check : undefined
