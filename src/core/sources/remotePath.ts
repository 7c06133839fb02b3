import path from 'node:path'
import { CompanionError } from '../errors.js'

/**
 * A source-relative path (always `/`-separated) as an absolute path on the box, refusing anything that would
 * leave the root: `..` segments, NUL bytes. The result travels as an SFTP protocol field and never reaches
 * a shell, so spaces, quotes and any other characters of real file names pass unchanged.
 */
export function remotePathInside(root: string, relativePath: string): string {
  if (relativePath.includes('\0')) {
    throw new CompanionError(
      'PATH_OUTSIDE_SOURCE',
      `Refused a path with a NUL byte: ${JSON.stringify(relativePath)}`,
    )
  }
  const target = path.posix.normalize(path.posix.join(root, relativePath)).replace(/(.)\/+$/, '$1')
  const prefix = root.endsWith('/') ? root : `${root}/`
  if (target !== root && !target.startsWith(prefix)) {
    throw new CompanionError(
      'PATH_OUTSIDE_SOURCE',
      `Refused a path outside the box's photos folder: ${relativePath}`,
    )
  }
  return target
}
