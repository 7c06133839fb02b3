import { createHash } from 'node:crypto'

/** A server's host key as the SSH protocol sends it: the type name and the whole wire-format blob. */
export interface HostKey {
  type: string
  blob: Buffer
}

/** The fingerprint exactly as OpenSSH prints it (`ssh-keygen -lf`, the first-connection prompt). */
export const fingerprintOf = (blob: Buffer): string =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`

/** The key type is the first string of the blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`). */
export function hostKeyOf(blob: Buffer): HostKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0
  const type =
    length > 0 && length < 64 && blob.length >= 4 + length ? blob.toString('latin1', 4, 4 + length) : ''
  return { type: type || 'unknown', blob }
}
