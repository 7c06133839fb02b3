import type { CompanionBridge } from '../../../shared/bridge.js'
import { createHttpBridge, takeAccessToken, type LinkStatus } from './httpBridge.js'
import { configurePhotoImages } from './photoImages.js'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser talking to `serve`. */
    creaturebox?: CompanionBridge
  }
}

/** Electron's preload bridge when the page runs in the app, else the HTTP client of `serve`. */
export function chooseBridge(onLinkStatus: (status: LinkStatus) => void): {
  bridge: CompanionBridge
  transport: 'electron' | 'http'
} {
  if (window.creaturebox) return { bridge: window.creaturebox, transport: 'electron' }
  const token = takeAccessToken(window.location, window.history, window.sessionStorage)
  configurePhotoImages({ kind: 'http', token })
  return { bridge: createHttpBridge(token, onLinkStatus), transport: 'http' }
}
