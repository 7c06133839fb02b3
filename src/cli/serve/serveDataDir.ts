import os from 'node:os'
import path from 'node:path'

/**
 * Where `serve` keeps settings and job history by default: the platform's per-user config folder, in a
 * `serve` folder of its own, so `serve` and a running desktop app never write one job journal at once.
 */
export function defaultServeDataDir(): string {
  const home = os.homedir()
  const base =
    process.platform === 'win32'
      ? (process.env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (process.env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'))
  return path.join(base, 'creaturebox-companion', 'serve')
}
