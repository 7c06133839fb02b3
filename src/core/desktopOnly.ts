import type { CommandHandlers } from './dispatch.js'
import { CompanionError } from './errors.js'

type DesktopCommand = 'desktop.chooseFolder' | 'desktop.openFolder'
export type DesktopHandlers = Pick<CommandHandlers, DesktopCommand>

/**
 * What core answers to the desktop-only commands: core has no window, so no system dialog and no file
 * manager. The desktop app replaces these in main (src/main/desktopCommands.ts); `serve` keeps them, and a
 * browser, possibly on another computer, is told so in words.
 */
export const desktopOnlyHandlers: DesktopHandlers = {
  'desktop.chooseFolder': async () => {
    throw new CompanionError(
      'DESKTOP_ONLY',
      "The system's folder dialog exists only in the desktop app: use the folder browser (Choose folder…)",
    )
  },
  'desktop.openFolder': async ({ folder }) => {
    throw new CompanionError(
      'DESKTOP_ONLY',
      `Only the desktop app can open a folder on this computer; the folder is ${folder}`,
    )
  },
}
