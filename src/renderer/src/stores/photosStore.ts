import { create } from 'zustand'
import type { CompanionErrorData } from '../../../shared/errors.js'
import type { PhotoMark, PhotoMarks } from '../../../shared/photos.js'
import type { CatalogPhoto } from '../../../shared/storage.js'
import { callCompanion } from '../bridge/companion.js'

export type MarkFilter = 'all' | 'star' | 'reject' | 'unmarked'

interface PhotosState {
  source: string | undefined
  night: string | undefined
  loading: boolean
  error: CompanionErrorData | undefined
  photos: CatalogPhoto[]
  marks: PhotoMarks
  filter: MarkFilter
  /** Path of the photo in the large view, if open. */
  viewing: string | undefined
  /** Reads the night's photos and the card's marks; a newer request wins over one still on its way. */
  openNight(source: string, night: string): Promise<void>
  setFilter(filter: MarkFilter): void
  view(path: string | undefined): void
  setMark(path: string, mark: PhotoMark | null): Promise<void>
}

let request = 0

export const usePhotosStore = create<PhotosState>()((set, get) => ({
  source: undefined,
  night: undefined,
  loading: false,
  error: undefined,
  photos: [],
  marks: {},
  filter: 'all',
  viewing: undefined,
  openNight: async (source, night) => {
    const mine = (request += 1)
    set({ source, night, loading: true, error: undefined, viewing: undefined })
    const outcome = await callCompanion('photos.night', { source, night })
    if (mine !== request) return
    if (outcome.ok) set({ loading: false, photos: outcome.value.photos, marks: outcome.value.marks })
    else set({ loading: false, photos: [], marks: {}, error: outcome.error })
  },
  setFilter: (filter) => set({ filter }),
  view: (path) => set({ viewing: path }),
  setMark: async (path, mark) => {
    const { source } = get()
    if (!source) return
    const outcome = await callCompanion('photos.setMark', { source, path, mark })
    if (!outcome.ok) return set({ error: outcome.error })
    // The answer holds the whole card's marks; only this photo's changed here.
    const saved = outcome.value[path]
    set((state) => {
      const marks = withoutKey(state.marks, path)
      if (saved) marks[path] = saved
      return { marks }
    })
  },
}))

function withoutKey(marks: PhotoMarks, path: string): PhotoMarks {
  const next = { ...marks }
  delete next[path]
  return next
}

/** Whether a photo passes the mark filter. */
export function passesFilter(filter: MarkFilter, mark: PhotoMark | undefined): boolean {
  if (filter === 'all') return true
  if (filter === 'unmarked') return mark === undefined
  return mark === filter
}
