import type { IpcMainInvokeEvent } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/channels.js'
import type { CommandOutcome, ContractEvent } from '../shared/bridge.js'
import { dispatchCommand, type CommandHandlers } from '../core/dispatch.js'

/**
 * The part of Electron's `ipcMain` that registerIpc uses. Passed in rather than imported, so a test can
 * hand it a fake and run without the Electron binary (electron-trpc tests its handleIPCMessage the same way).
 */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: Pick<IpcMainInvokeEvent, 'sender'>, ...args: unknown[]) => unknown,
  ): void
  removeHandler(channel: string): void
}

/** The part of the app window's `webContents` that registerIpc uses: who may call in, where events go. */
export interface AppWebContents {
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
}

/**
 * Wires the contract to Electron: one handler for every command (validated by dispatchCommand before core
 * runs), and core's events forwarded to the window.
 */
export function registerIpc(
  ipcMain: IpcMainLike,
  appWebContents: AppWebContents,
  handlers: CommandHandlers,
  subscribe: (listener: (event: ContractEvent) => void) => () => void,
): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, name, input): Promise<CommandOutcome> => {
    // Only our own renderer may call in; anything else gets a typed refusal rather than a stack trace.
    if (event.sender !== appWebContents) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Caller is not the app window' } }
    }
    // The answer goes back through Electron's invoke reply, which drops it if the window closed meanwhile.
    return dispatchCommand(handlers, name, input)
  })
  const unsubscribe = subscribe((event) => {
    // send() on a destroyed webContents throws; a closed window simply stops receiving events.
    if (!appWebContents.isDestroyed()) appWebContents.send(IPC_EVENT_CHANNEL, event)
  })
  return () => {
    unsubscribe()
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
  }
}
