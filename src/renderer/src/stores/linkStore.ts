import { create } from 'zustand'
import type { LinkStatus } from '../bridge/httpBridge.js'

interface LinkState {
  /** Always `connected` in Electron, where the link is the app itself. */
  status: LinkStatus
  set(status: LinkStatus): void
}

export const useLinkStore = create<LinkState>()((set) => ({
  status: 'connected',
  set: (status) => set({ status }),
}))
