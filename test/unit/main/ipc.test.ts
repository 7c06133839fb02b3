import { describe, expect, it, vi } from 'vitest'
import { registerIpc, type AppWebContents, type IpcMainLike } from '../../../src/main/ipc.js'
import type { CommandHandlers } from '../../../src/core/dispatch.js'
import type { ContractEvent } from '../../../src/shared/bridge.js'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../../src/shared/channels.js'

// registerIpc with a fake ipcMain and fake webContents, as electron-trpc tests its handleIPCMessage with fake
// events: no Electron binary needed. ipc.ts imports only Electron's types, so nothing of Electron loads here.

type InvokeListener = Parameters<IpcMainLike['handle']>[1]

/** Records what registerIpc registers, and lets the test invoke it as Electron would. */
function fakeIpcMain() {
  const listeners = new Map<string, InvokeListener>()
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void listeners.set(channel, listener),
    removeHandler: (channel) => void listeners.delete(channel),
  }
  const invoke = async (sender: unknown, name: unknown, input: unknown) => {
    const listener = listeners.get(IPC_INVOKE_CHANNEL)
    if (!listener) throw new Error('no handler registered')
    return listener({ sender } as Parameters<InvokeListener>[0], name, input)
  }
  return { ipcMain, listeners, invoke }
}

function fakeWebContents() {
  let destroyed = false
  const webContents = {
    send: vi.fn<AppWebContents['send']>(),
    isDestroyed: () => destroyed,
    destroy: () => void (destroyed = true),
  }
  return webContents
}

/** Core's handlers, of which only jobs.cancel is expected to run; any other call fails the test. */
function fakeHandlers(cancel: (args: { id: string }) => Promise<boolean>) {
  const jobsCancel = vi.fn(cancel)
  const handlers = new Proxy({} as CommandHandlers, {
    get: (_target, name) => {
      if (name === 'jobs.cancel') return jobsCancel
      return () => Promise.reject(new Error(`unexpected command ${String(name)}`))
    },
  })
  return { handlers, jobsCancel }
}

/** Core's event stream, driven by the test. */
function fakeEvents() {
  const listeners = new Set<(event: ContractEvent) => void>()
  const subscribe = (listener: (event: ContractEvent) => void) => {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }
  const emit = (event: ContractEvent) => listeners.forEach((listener) => listener(event))
  return { subscribe, emit, listeners }
}

const drivesChanged: ContractEvent = { name: 'drives.changed', payload: [] }

describe('registerIpc', () => {
  it("answers a valid command from the app's own window, and forwards core's events to it", async () => {
    const { ipcMain, invoke } = fakeIpcMain()
    const window = fakeWebContents()
    const { handlers, jobsCancel } = fakeHandlers(async () => true)
    const events = fakeEvents()
    registerIpc(ipcMain, window, handlers, events.subscribe)

    expect(await invoke(window, 'jobs.cancel', { id: 'job-1' })).toEqual({ ok: true, value: true })
    expect(jobsCancel).toHaveBeenCalledWith({ id: 'job-1' })

    events.emit(drivesChanged)
    expect(window.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, drivesChanged)
  })

  it('refuses a foreign sender with UNAUTHORIZED, without calling core', async () => {
    const { ipcMain, invoke } = fakeIpcMain()
    const window = fakeWebContents()
    const { handlers, jobsCancel } = fakeHandlers(async () => true)
    registerIpc(ipcMain, window, handlers, fakeEvents().subscribe)

    const foreign = fakeWebContents()
    expect(await invoke(foreign, 'jobs.cancel', { id: 'job-1' })).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: expect.any(String) },
    })
    expect(jobsCancel).not.toHaveBeenCalled()
    expect(foreign.send).not.toHaveBeenCalled()
  })

  it('answers invalid input with INVALID_INPUT, without calling core', async () => {
    const { ipcMain, invoke } = fakeIpcMain()
    const window = fakeWebContents()
    const { handlers, jobsCancel } = fakeHandlers(async () => true)
    registerIpc(ipcMain, window, handlers, fakeEvents().subscribe)

    expect(await invoke(window, 'jobs.cancel', { id: 42 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await invoke(window, 'jobs.cancel', undefined)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(jobsCancel).not.toHaveBeenCalled()
  })

  it('sends nothing to a window destroyed before the answer, and does not throw', async () => {
    const { ipcMain, invoke } = fakeIpcMain()
    const window = fakeWebContents()
    let finish!: (value: boolean) => void
    const { handlers } = fakeHandlers(() => new Promise<boolean>((resolve) => (finish = resolve)))
    const events = fakeEvents()
    registerIpc(ipcMain, window, handlers, events.subscribe)

    const answer = invoke(window, 'jobs.cancel', { id: 'job-1' })
    await vi.waitUntil(() => finish !== undefined)
    window.destroy()
    // Core keeps emitting while the command runs: none of it may reach the destroyed window (send would throw).
    events.emit(drivesChanged)
    finish(true)

    // The outcome goes back to Electron's invoke reply, which drops it for a destroyed sender; our code sends
    // nothing itself.
    await expect(answer).resolves.toEqual({ ok: true, value: true })
    expect(window.send).not.toHaveBeenCalled()
  })

  it('unregisters the handler and the event subscription', () => {
    const { ipcMain, listeners } = fakeIpcMain()
    const window = fakeWebContents()
    const events = fakeEvents()
    const unregister = registerIpc(ipcMain, window, fakeHandlers(async () => true).handlers, events.subscribe)
    expect(listeners.has(IPC_INVOKE_CHANNEL)).toBe(true)
    expect(events.listeners.size).toBe(1)

    unregister()
    expect(listeners.has(IPC_INVOKE_CHANNEL)).toBe(false)
    expect(events.listeners.size).toBe(0)
  })
})
