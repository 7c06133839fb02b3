/**
 * Path questions answered once for the whole app (VS Code's `extpath.isEqualOrParent` idea), on
 * `/`-separated paths: relative card paths as sources list them, or absolute paths a caller has normalised.
 * Pure string work, so the renderer, core and the safety rules all give the same answer.
 */

/**
 * True when `candidate` is `parent` itself or lies inside it. `''` (a card's root) holds every relative
 * path; `/` holds every absolute one. Case is compared as given unless `ignoreCase` (FAT/exFAT cards,
 * macOS and Windows names).
 */
export function isEqualOrParent(candidate: string, parent: string, ignoreCase = false): boolean {
  const [path, base] = ignoreCase ? [candidate.toLowerCase(), parent.toLowerCase()] : [candidate, parent]
  if (base === '' || path === base) return true
  const prefix = base.endsWith('/') ? base : `${base}/`
  return path.startsWith(prefix)
}

/** The folder holding a relative card path (`a/b/c.jpg` → `a/b`, `c.jpg` → `''`). */
export const parentOf = (relativePath: string): string =>
  relativePath.includes('/') ? relativePath.slice(0, relativePath.lastIndexOf('/')) : ''
