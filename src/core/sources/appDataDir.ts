import os from 'node:os'
import path from 'node:path'

/**
 * The folder the packaged desktop app uses for its data (Electron's `userData`: the app data folder plus the
 * product name), so the CLI and the app share one known-hosts file and a box confirmed in one is known in
 * the other.
 */
export function appDataDir(): string {
  const product = 'CreatureBox Companion'
  if (process.platform === 'win32') {
    return path.join(process.env['APPDATA'] ?? path.join(os.homedir(), 'AppData', 'Roaming'), product)
  }
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', product)
  return path.join(process.env['XDG_CONFIG_HOME'] ?? path.join(os.homedir(), '.config'), product)
}

export const KNOWN_HOSTS_FILE = 'known_hosts'

export const defaultKnownHostsPath = (): string => path.join(appDataDir(), KNOWN_HOSTS_FILE)
