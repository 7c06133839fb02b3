import path from 'node:path'
import type { Stats } from 'ssh2'
import { isEqualOrParent } from '../../shared/paths.js'
import type { SftpRef } from '../../shared/sftpRef.js'
import { CompanionError, errnoCode } from '../errors.js'
import type { SourceFile } from './photoSource.js'
import type { SftpChannel } from './sftpChannel.js'

/** Paths and entries on a box: where its photos folder is, what a listed entry is, staying inside the root. */

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
  if (!isEqualOrParent(target, root)) {
    throw new CompanionError(
      'PATH_OUTSIDE_SOURCE',
      `Refused a path outside the box's photos folder: ${relativePath}`,
    )
  }
  return target
}

const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
export const isRegular = (attrs: { mode: number }) => (attrs.mode & S_IFMT) === S_IFREG
export const isFolder = (attrs: { mode: number }) => (attrs.mode & S_IFMT) === S_IFDIR

export const fileOf = (relative: string, attrs: { size: number; mtime: number }): SourceFile => ({
  path: relative,
  size: attrs.size,
  mtimeMs: attrs.mtime * 1000,
})

/** The photos folder as an absolute path on the box: `~/x` is resolved against the login's home, as sftp(1) does. */
export async function resolveRoot(
  channel: SftpChannel,
  ref: SftpRef & { username: string },
): Promise<string> {
  const where = `${ref.username}@${ref.host}:${ref.port}`
  const asked = ref.root === '~' ? '.' : ref.root.startsWith('~/') ? ref.root.slice(2) : ref.root
  let root: string
  let attrs: Stats
  try {
    root = await channel.realpath(asked)
    attrs = await channel.stat(root)
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new CompanionError(
        'SOURCE_NOT_FOUND',
        `The folder ${ref.root} does not exist on the box ${where} (is this the photos folder?)`,
        { cause: error },
      )
    }
    if (errnoCode(error) === 'EACCES') {
      throw new CompanionError('SOURCE_UNREADABLE', `No permission to read ${ref.root} on ${where}`, {
        cause: error,
      })
    }
    throw error
  }
  if (!isFolder(attrs)) {
    throw new CompanionError('SOURCE_NOT_FOUND', `${ref.root} on ${where} is a file, not a photos folder`)
  }
  return root
}
