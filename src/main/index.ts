// First: sizes libuv's thread pool before any file operation starts it.
import '../core/ioThreadPool.js'
import { app, BrowserWindow, dialog, ipcMain, Notification, session, shell } from 'electron'
import log from 'electron-log/main'
import { createCompanion } from '../core/companion.js'
import { createDesktopHandlers } from './desktopCommands.js'
import { registerIpc } from './ipc.js'
import { notifyJobEnds } from './jobNotifications.js'
import { createSecretStore } from './secretStore.js'
import { createMainWindow } from './window.js'
import { CONTENT_SECURITY_POLICY } from '../shared/contentSecurityPolicy.js'

log.initialize()
Object.assign(console, log.functions)

async function start(): Promise<void> {
  await app.whenReady()
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      // electronegativity: CSP_GLOBAL_CHECK. It cannot read a policy held in a constant: the policy is
      // src/shared/contentSecurityPolicy.ts (default-src 'self', no inline script, no eval).
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    })
  })
  // The app never asks for camera, location or notifications through the web layer.
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))

  const companion = await createCompanion({
    dataDir: app.getPath('userData'),
    logger: log,
    // A card plugged in shows up without a restart.
    watchDrives: true,
    secrets: createSecretStore(),
  })
  const window = createMainWindow()
  // The system's folder dialog and file manager exist only here; core answers those commands for serve.
  const handlers = {
    ...companion.handlers,
    ...createDesktopHandlers({
      dialog: { showOpenDialog: (options) => dialog.showOpenDialog(window, options) },
      shell,
      getJob: companion.handlers['jobs.get'],
    }),
  }
  const unregister = registerIpc(ipcMain, window.webContents, handlers, companion.subscribe)
  const stopNotifying = notifyJobEnds(companion.subscribe, Notification)

  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', () => {
    unregister()
    stopNotifying()
    void companion.close()
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow()
  })
}

start().catch((error: unknown) => {
  log.error('CreatureBox Companion failed to start', error)
  app.exit(1)
})
