import { formatSftpRef } from '../../shared/sftpRef.js'
import type { ConfiguredBox } from '../../shared/settings.js'
import type { BoxConnectionOptions } from './openSource.js'

/**
 * How to reach a box configured in settings: its `sftp://` address and login. With a key file the stored
 * secret is the key's passphrase, otherwise the password; ssh-agent is tried when neither is configured.
 */
export function boxConnectionOf(
  box: ConfiguredBox,
  secret: string | undefined,
  knownHostsPath: string,
): { ref: string; options: BoxConnectionOptions } {
  const ref = formatSftpRef({ username: box.username, host: box.host, port: box.port, root: box.photosPath })
  const auth = box.privateKeyPath
    ? { privateKeyPath: box.privateKeyPath, ...(secret === undefined ? {} : { passphrase: secret }) }
    : secret === undefined
      ? {}
      : { password: secret }
  return { ref, options: { auth, knownHostsPath, name: box.name } }
}
