import v8 from 'node:v8'

/**
 * Every byte pulled over SFTP passes through short-lived Buffers that are not ours to pool (Node's 64 KiB
 * socket reads, ssh2's packet and answer assembly): about 2.5 bytes of ArrayBuffer per byte copied. V8 counts
 * them as external memory and starts incremental marking of the whole heap each time some 64 MB of it has
 * piled up, so a 1 GB pull ran ~80 full mark-compacts, whose concurrent marking took CPU from the transfer and
 * from sshd on a 2-core machine. With incremental marking off, scavenges reclaim those buffers alone and a
 * full collection runs only when the heap itself grows (measured: 1 GB over loopback 3.0–3.4 s → 1.6–2.5 s,
 * the same resident memory). The price: a full collection, when one is due, is a single pause instead of
 * small steps (3–6 ms for the CLI's 10 MB heap here), which no screen waits on in the main process.
 *
 * The desktop app gets the same flags from `v8Flags` in package.json, which Electron applies to its main
 * process before any app code runs.
 */
export const TRANSFER_V8_FLAGS = '--no-incremental-marking'

/** For plain Node entry points (the CLI and `serve`): call before any transfer starts. */
export function applyTransferV8Flags(): void {
  v8.setFlagsFromString(TRANSFER_V8_FLAGS)
}
