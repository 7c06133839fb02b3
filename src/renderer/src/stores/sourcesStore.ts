import { create } from 'zustand'
import type { CompanionErrorData } from '../../../shared/errors.js'
import type { Drive, StorageStats } from '../../../shared/storage.js'
import { callCompanion } from '../bridge/companion.js'

export interface StatsEntry {
  loading: boolean
  value?: StorageStats
  error?: CompanionErrorData
}

interface SourcesState {
  drives: Drive[]
  drivesError: CompanionErrorData | undefined
  startupSources: string[]
  /** The card, folder or box every screen works on. */
  selected: string | undefined
  stats: Record<string, StatsEntry>
  load(): Promise<void>
  setDrives(drives: Drive[]): void
  select(source: string): void
  /** Reads stats (from the companion's cache unless `refresh`), keeping the last figures while it runs. */
  loadStats(source: string, refresh?: boolean): Promise<void>
}

/** Where the chosen source is kept in the page's storage, so a reload opens the same card or folder. */
const SELECTED_KEY = 'creaturebox.selectedSource'

function rememberedSelection(): string | undefined {
  try {
    return globalThis.localStorage?.getItem(SELECTED_KEY) ?? undefined
  } catch {
    // Storage can be disabled (a private window): the app then starts as if nothing was chosen.
    return undefined
  }
}

function rememberSelection(source: string): void {
  try {
    globalThis.localStorage?.setItem(SELECTED_KEY, source)
  } catch {
    // Not remembered across a reload, but chosen all the same.
  }
}

export const useSourcesStore = create<SourcesState>()((set, get) => ({
  drives: [],
  drivesError: undefined,
  startupSources: [],
  selected: undefined,
  stats: {},
  load: async () => {
    const [info, drives] = await Promise.all([
      callCompanion('app.info', {}),
      callCompanion('drives.list', {}),
    ])
    const startupSources = info.ok ? info.value.startupSources : []
    set({
      startupSources,
      ...(drives.ok ? { drives: drives.value, drivesError: undefined } : { drivesError: drives.error }),
    })
    const firstCard = get()
      .drives.filter((drive) => drive.isCreatureBoxCard)
      .flatMap((drive) => drive.mountpoints.map((mount) => mount.path))[0]
    if (!get().selected) {
      const first = rememberedSelection() ?? startupSources[0] ?? firstCard
      if (first) set({ selected: first })
    }
  },
  setDrives: (drives) => set({ drives, drivesError: undefined }),
  select: (source) => {
    rememberSelection(source)
    set({ selected: source })
  },
  loadStats: async (source, refresh = false) => {
    const previous = get().stats[source]
    set((state) => ({ stats: { ...state.stats, [source]: { ...previous, loading: true } } }))
    const outcome = await callCompanion('storage.stats', { source, refresh })
    const entry: StatsEntry = outcome.ok
      ? { loading: false, value: outcome.value }
      : { loading: false, value: previous?.value, error: outcome.error }
    set((state) => ({ stats: { ...state.stats, [source]: entry } }))
  },
}))
