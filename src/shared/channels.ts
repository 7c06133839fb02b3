/**
 * Electron channels: one for all commands, one for all events, so no channel name is ever written twice.
 * Kept apart from contract.ts so the sandboxed preload does not bundle zod.
 */
export const IPC_INVOKE_CHANNEL = 'creaturebox:invoke'
export const IPC_EVENT_CHANNEL = 'creaturebox:event'
