import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/channels.js'
import type { ContractEvent } from '../shared/bridge.js'
import { dispatchCommand, type CommandHandlers } from '../core/dispatch.js'

/**
 * Wires the contract to Electron: one handler for every command (validated by dispatchCommand before core
 * runs), and core's events forwarded to the window.
 */
export function registerIpc(
  window: BrowserWindow,
  handlers: CommandHandlers,
  subscribe: (listener: (event: ContractEvent) => void) => () => void,
): () => void {
  const isOurWindow = (event: IpcMainInvokeEvent) => event.sender === window.webContents
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, name: unknown, input: unknown) => {
    // Only our own renderer may call in; anything else gets a typed refusal rather than a stack trace.
    if (!isOurWindow(event)) {
      return { ok: false, error: { code: 'INVALID_INPUT', message: 'Caller is not the app window' } }
    }
    return dispatchCommand(handlers, name, input)
  })
  const unsubscribe = subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event)
  })
  return () => {
    unsubscribe()
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
  }
}
