/** A drive as people name it: its folder's last part (`/media/me/BACKUP_A` → BACKUP_A). */
export const driveName = (path: string): string =>
  path
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop() || path

/** `A`, `A and B`, `A, B and C`. */
export const listNames = (names: string[]): string =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
