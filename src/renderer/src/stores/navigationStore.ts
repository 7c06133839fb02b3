import { create } from 'zustand'

export const SCREENS = ['sources', 'dashboard', 'photos', 'backup', 'cleanup', 'organize', 'jobs'] as const
export type Screen = (typeof SCREENS)[number]

interface NavigationState {
  screen: Screen
  go(screen: Screen): void
}

export const useNavigationStore = create<NavigationState>()((set) => ({
  screen: 'dashboard',
  go: (screen) => set({ screen }),
}))
