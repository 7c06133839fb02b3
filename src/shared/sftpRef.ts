import { z } from 'zod'

/**
 * A box named as `sftp://user@host[:port]/path`. A path starting with `/~/` (as curl and scp spell it) is
 * relative to the user's home on the box; no path means the CreatureBox web app's photos folder.
 */
export interface SftpRef {
  /** Absent when the URL names none; the connecting side then uses the local user name, as OpenSSH does. */
  username?: string
  host: string
  port: number
  /** Absolute (`/home/pi/CreatureBox/photos`) or home-relative (`~/CreatureBox/photos`). */
  root: string
}

/** Where the CreatureBox web app keeps photos (docs/field-notes.md): relative to the box user's home. */
export const DEFAULT_BOX_PHOTOS_ROOT = '~/CreatureBox/photos'
export const DEFAULT_SSH_PORT = 22

export const isSftpRef = (ref: string): boolean => /^sftp:\/\//i.test(ref.trim())

/** Host names and addresses only: anything else in a host (spaces, shell characters) is a typo or worse. */
const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|[0-9a-fA-F:.]+)$/

export const isValidHost = (host: string): boolean => host.length <= 253 && HOST_PATTERN.test(host)

/** `sftp://…` text to a ref, or a message saying what is wrong with it. */
export function parseSftpRef(text: string): { ok: true; ref: SftpRef } | { ok: false; message: string } {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return { ok: false, message: `Not a valid sftp:// address: ${text}` }
  }
  if (url.protocol !== 'sftp:') return { ok: false, message: `Not an sftp:// address: ${text}` }
  if (url.password !== '') {
    return {
      ok: false,
      message: 'A password does not belong in the address (it would end up in logs and shell history)',
    }
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: `An sftp:// address takes no ?query or #fragment: ${text}` }
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!isValidHost(host)) return { ok: false, message: `Not a valid host name: ${url.hostname || '(none)'}` }
  let pathname: string
  let username: string
  try {
    pathname = decodeURIComponent(url.pathname)
    username = decodeURIComponent(url.username)
  } catch {
    return { ok: false, message: `Badly escaped characters in ${text}` }
  }
  if (pathname.includes('\0')) return { ok: false, message: 'A path with a NUL byte is refused' }
  const root =
    pathname === '' || pathname === '/'
      ? DEFAULT_BOX_PHOTOS_ROOT
      : pathname === '/~' || pathname.startsWith('/~/')
        ? pathname.slice(1).replace(/\/+$/, '')
        : pathname.replace(/\/+$/, '')
  return {
    ok: true,
    ref: {
      ...(username === '' ? {} : { username }),
      host,
      port: url.port === '' ? DEFAULT_SSH_PORT : Number(url.port),
      root,
    },
  }
}

/** The canonical text of a ref: what logs, history and source ids show. */
export function formatSftpRef(ref: SftpRef): string {
  const host = ref.host.includes(':') ? `[${ref.host}]` : ref.host
  const user = ref.username === undefined ? '' : `${encodeURIComponent(ref.username)}@`
  const port = ref.port === DEFAULT_SSH_PORT ? '' : `:${ref.port}`
  const root = ref.root.startsWith('~') ? `/${ref.root}` : ref.root
  return `sftp://${user}${host}${port}${encodeURI(root)}`
}

/** A contract field holding an `sftp://` address, validated and parsed where it enters. */
export const SftpRefSchema = z.string().transform((text, context): SftpRef => {
  const parsed = parseSftpRef(text)
  if (!parsed.ok) {
    context.addIssue({ code: 'custom', message: parsed.message })
    return z.NEVER
  }
  return parsed.ref
})
