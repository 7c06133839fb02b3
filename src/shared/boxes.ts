import { z } from 'zod'
import { isValidHost } from './sftpRef.js'

/**
 * What the UI needs to connect to a box for the first time and to keep it trusted afterwards: the host key
 * a box presents and what the app's known-hosts file says about it. The user confirms the fingerprint on
 * first use; a key that changed later is refused until the user removes the old pin.
 */

export const BoxAddressSchema = z.object({
  host: z.string().trim().refine(isValidHost, 'Not a valid host name or address'),
  port: z.number().int().min(1).max(65535).default(22),
})

export const HostKeyStatusSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`… */
  keyType: z.string(),
  /** As OpenSSH prints it: `SHA256:` and unpadded base64; what the user compares with the box. */
  fingerprint: z.string(),
  /**
   * `pinned`: the key is trusted; `unknown`: first connection, show the fingerprint and ask; `changed`: the
   * box presents a different key than the pinned one (reinstalled, or impersonated): refused; `revoked`.
   */
  status: z.enum(['pinned', 'unknown', 'changed', 'revoked']),
  pinnedFingerprints: z.array(z.string()),
  knownHostsPath: z.string(),
})
export type HostKeyStatus = z.infer<typeof HostKeyStatusSchema>

/** Refs of configured boxes in `source` fields: `box:<id>` (settings hold host, user, key path, folder). */
export const BOX_REF_PREFIX = 'box:'
export const boxRefOf = (boxId: string): string => `${BOX_REF_PREFIX}${boxId}`
export const boxIdOf = (ref: string): string | undefined =>
  ref.startsWith(BOX_REF_PREFIX) ? ref.slice(BOX_REF_PREFIX.length) : undefined
