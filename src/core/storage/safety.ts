import path from 'node:path'
import { isEqualOrParent } from '../../shared/paths.js'
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

/** True when `candidate` is strictly below `parent`; both are made absolute first. */
export function isInside(parent: string, candidate: string): boolean {
  const [base, target] = [parent, candidate].map(slashed)
  return base !== target && isEqualOrParent(target as string, base as string)
}

/** An absolute path with `/` separators, as the shared path helpers compare them. */
const slashed = (input: string): string => {
  const absolute = path.resolve(input)
  return path.sep === '\\' ? absolute.replaceAll('\\', '/') : absolute
}
