import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.js'
import { chooseBridge } from './bridge/chooseBridge.js'
import { connectCompanion } from './bridge/companion.js'
import { useLinkStore } from './stores/linkStore.js'
import './styles.css'

const container = document.getElementById('root')
if (!container) throw new Error('The page has no #root element')
// Electron's preload or serve's HTTP API: picked once, here; nothing else in the UI knows which.
const { bridge, transport } = chooseBridge((status) => useLinkStore.getState().set(status))
connectCompanion(bridge, transport)
createRoot(container).render(
  <StrictMode>
    <App transport={transport} />
  </StrictMode>,
)
