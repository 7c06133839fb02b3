// Placeholder until the services land; replaced in the storage work.
import type { CommandHandlers } from './dispatch.js'
import type { ContractEvent } from '../shared/bridge.js'

export interface Companion {
  handlers: CommandHandlers
  subscribe(listener: (event: ContractEvent) => void): () => void
  close(): Promise<void>
}

export async function createCompanion(_options: { dataDir: string; logger?: unknown }): Promise<Companion> {
  throw new Error('not yet')
}
