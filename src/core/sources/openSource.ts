import { isSftpRef, parseSftpRef } from '../../shared/sftpRef.js'
import { CompanionError } from '../errors.js'
import { defaultKnownHostsPath } from './appDataDir.js'
import { openLocalCard } from './piCard.js'
import type { PhotoSource } from './photoSource.js'
import type { SftpSourceOptions } from './sftpSource.js'

/** How to reach a box named by an `sftp://` ref; ignored for a local card or folder. */
export type BoxConnectionOptions = Partial<Omit<SftpSourceOptions, 'ref'>>

/**
 * The source a user named: a card's mount point or any folder (a Raspberry Pi system card narrowed to the
 * box's folder on it, piCard.ts), or a running box as `sftp://user@host/path`.
 */
export async function openSource(ref: string, box: BoxConnectionOptions = {}): Promise<PhotoSource> {
  if (!isSftpRef(ref)) return openLocalCard(ref)
  const parsed = parseSftpRef(ref)
  if (!parsed.ok) throw new CompanionError('INVALID_INPUT', parsed.message)
  // ssh2 loads only for a box: it would double the start-up time of every command on a card.
  const { SftpSource } = await import('./sftpSource.js')
  return SftpSource.open({
    ...box,
    ref: parsed.ref,
    auth: box.auth ?? {},
    knownHostsPath: box.knownHostsPath ?? defaultKnownHostsPath(),
  })
}
