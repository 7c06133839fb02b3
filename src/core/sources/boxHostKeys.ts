import type { HostKeyStatus } from '../../shared/boxes.js'
import { CompanionError } from '../errors.js'
import { hostKeyOf } from './hostKeyFingerprint.js'
import { KnownHosts } from './knownHosts.js'
import { probeHostKey } from './sftpConnect.js'

/** The key a box presents now and whether the known-hosts file trusts it; nothing is pinned. */
export async function hostKeyStatusOf(address: { host: string; port: number }, knownHostsPath: string) {
  const knownHosts = new KnownHosts(knownHostsPath)
  const probe = await probeHostKey({ ...address, knownHosts })
  return statusOf(probe, knownHostsPath)
}

/**
 * Pins the key the user confirmed, after checking the box still presents exactly that key: the fingerprint
 * shown and the key pinned can never differ, even if the box (or an impostor) changed in between.
 */
export async function trustHostKey(
  address: { host: string; port: number },
  fingerprint: string,
  knownHostsPath: string,
): Promise<HostKeyStatus> {
  const knownHosts = new KnownHosts(knownHostsPath)
  const probe = await probeHostKey({ ...address, knownHosts })
  const where = `${address.host}:${address.port}`
  if (probe.fingerprint !== fingerprint) {
    throw new CompanionError(
      'HOST_KEY_MISMATCH',
      `${where} now presents the host key ${probe.fingerprint}, not ${fingerprint} that was confirmed: nothing was pinned`,
      {
        details: {
          host: address.host,
          port: address.port,
          fingerprint: probe.fingerprint,
          confirmed: fingerprint,
        },
      },
    )
  }
  if (probe.verdict.status === 'pinned') return statusOf(probe, knownHostsPath)
  if (probe.verdict.status !== 'unknown') {
    const pinned = probe.verdict.status === 'changed' ? probe.verdict.pinnedFingerprints : []
    throw new CompanionError(
      'HOST_KEY_MISMATCH',
      `${where} already has another host key pinned (${pinned.join(', ') || 'revoked'}) in ${knownHostsPath}; ` +
        `remove that line first if the box was really reinstalled`,
      { details: { host: address.host, port: address.port, fingerprint, pinnedFingerprints: pinned } },
    )
  }
  await knownHosts.pin(address.host, address.port, hostKeyOf(probe.blob))
  return { ...statusOf(probe, knownHostsPath), status: 'pinned', pinnedFingerprints: [probe.fingerprint] }
}

function statusOf(probe: Awaited<ReturnType<typeof probeHostKey>>, knownHostsPath: string): HostKeyStatus {
  const { verdict } = probe
  return {
    host: probe.host,
    port: probe.port,
    keyType: probe.keyType,
    fingerprint: probe.fingerprint,
    status: verdict.status,
    pinnedFingerprints:
      verdict.status === 'changed'
        ? verdict.pinnedFingerprints
        : verdict.status === 'pinned'
          ? [probe.fingerprint]
          : [],
    knownHostsPath,
  }
}
