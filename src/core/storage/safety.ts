import path from 'node:path'
import { CompanionError } from '../errors.js'

/**
 * Turns a source-relative path (always `/`-separated) into an absolute one under `root`, refusing
 * anything that would leave it: `..` segments, absolute paths, NUL bytes.
 */
export function resolveInside(root: string, relativePath: string): string {
  if (relativePath.includes('\0')) {
    throw new CompanionError(
      'PATH_OUTSIDE_SOURCE',
      `Refused a path with a NUL byte: ${JSON.stringify(relativePath)}`,
    )
  }
  const absoluteRoot = path.resolve(root)
  const target = path.resolve(absoluteRoot, ...relativePath.split('/'))
  if (!isInside(absoluteRoot, target) && target !== absoluteRoot) {
    throw new CompanionError('PATH_OUTSIDE_SOURCE', `Refused a path outside the card: ${relativePath}`)
  }
  return target
}

/** True when `candidate` is strictly below `parent` (both absolute). */
export function isInside(parent: string, candidate: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(candidate))
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}
