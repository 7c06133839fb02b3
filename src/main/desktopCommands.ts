import fsp from 'node:fs/promises'
import type { CommandHandlers } from '../core/dispatch.js'
import type { DesktopHandlers } from '../core/desktopOnly.js'
import { CompanionError } from '../core/errors.js'
import { cardFoldersWrittenBy } from '../shared/storage.js'

/**
 * The parts of Electron's `dialog` (bound to the app window) and `shell` used here. Passed in rather than
 * imported, so a test can hand in fakes and run without the Electron binary (as registerIpc takes `ipcMain`).
 */
export interface FolderDialog {
  showOpenDialog(options: {
    title: string
    properties: ('openDirectory' | 'createDirectory')[]
  }): Promise<{ canceled: boolean; filePaths: string[] }>
}
export interface FolderOpener {
  /** Electron's `shell.openPath`: resolves to an error message, empty when the folder was opened. */
  openPath(folder: string): Promise<string>
}

/**
 * The desktop-only commands, answered in main where the window and the OS are: the system's folder dialog,
 * and opening a backup's card folder in the file manager. Their input has already been validated by the
 * contract (dispatchCommand); opening is further limited to a folder the named backup job wrote to, so the
 * page can never have an arbitrary path opened (shell.openPath would run a program as readily as a folder).
 */
export function createDesktopHandlers(options: {
  dialog: FolderDialog
  shell: FolderOpener
  getJob: CommandHandlers['jobs.get']
}): DesktopHandlers {
  return {
    'desktop.chooseFolder': async ({ title }) => {
      const chosen = await options.dialog.showOpenDialog({
        title: title ?? 'Choose a folder',
        properties: ['openDirectory', 'createDirectory'],
      })
      const [folder] = chosen.filePaths
      return { path: chosen.canceled || folder === undefined ? null : folder }
    },
    'desktop.openFolder': async ({ jobId, folder }) => {
      const job = await options.getJob({ id: jobId })
      if (!job) throw new CompanionError('NOT_FOUND', `No job ${jobId}: the folder was not opened`)
      if (!cardFoldersWrittenBy(job).includes(folder)) {
        throw new CompanionError(
          'PATH_OUTSIDE_SOURCE',
          `${folder} is not a folder that backup wrote to: only a backup's own card folders are opened`,
        )
      }
      // openPath runs a file with its program: only a real folder (no file, no link put there since) opens.
      const isFolder = await fsp.lstat(folder).then(
        (stats) => stats.isDirectory(),
        () => false,
      )
      if (!isFolder) {
        throw new CompanionError('DESTINATION_NOT_FOUND', `${folder} is not there (is the drive plugged in?)`)
      }
      const failure = await options.shell.openPath(folder)
      if (failure) throw new CompanionError('DESTINATION_NOT_FOUND', `Could not open ${folder}: ${failure}`)
      return { opened: true as const }
    },
  }
}
