import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/channels.js'
import type { CompanionBridge, ContractEvent } from '../shared/bridge.js'

// Only the contract crosses: one invoke for every command, one subscription for every event.
const bridge: CompanionBridge = {
  invoke: (name, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, input),
  subscribe: (listener) => {
    const handler = (_event: IpcRendererEvent, payload: ContractEvent) => listener(payload)
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
  },
}

contextBridge.exposeInMainWorld('creaturebox', bridge)
