import { create } from 'zustand'

/**
 * The night the user opened from the Dashboard (a bar of the chart, or a row of its table), for the screens
 * that act on nights (Cleanup preselects it). Kept with its card: another card's night means nothing.
 */
interface NightState {
  source: string | undefined
  night: string | undefined
  open(source: string, night: string): void
}

export const useNightStore = create<NightState>()((set) => ({
  source: undefined,
  night: undefined,
  open: (source, night) => set({ source, night }),
}))

/** The night opened for this card, if any. */
export const useOpenedNight = (source: string | undefined): string | undefined =>
  useNightStore((state) => (source !== undefined && state.source === source ? state.night : undefined))
