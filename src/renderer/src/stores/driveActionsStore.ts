import { create } from 'zustand'
import type { CommandOutcome } from '../../../shared/bridge.js'
import type { CommandInput, CommandResult } from '../../../shared/contract.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { callCompanion } from '../bridge/companion.js'
import { useJobsStore } from './jobsStore.js'

/**
 * What the Backup result offers per drive after a backup: re-verify the copy from the drive (a job) and
 * export it as Camtrap DP. The verify job of each card folder is remembered, so its progress and report are
 * found again after navigating away.
 */
interface DriveActionsState {
  verifyJobs: Record<string, string>
  starting: Record<string, boolean>
  startVerify(cardFolder: string): Promise<CompanionErrorData | undefined>
  deploymentOf(source: string): Promise<CommandOutcome<CommandResult<'export.deploymentOf'>>>
  exportCamtrapDp(
    input: CommandInput<'export.camtrapDp'>,
  ): Promise<CommandOutcome<CommandResult<'export.camtrapDp'>>>
}

export const useDriveActionsStore = create<DriveActionsState>()((set, get) => ({
  verifyJobs: {},
  starting: {},
  startVerify: async (cardFolder) => {
    if (get().starting[cardFolder]) return undefined
    set((state) => ({ starting: { ...state.starting, [cardFolder]: true } }))
    try {
      const outcome = await callCompanion('storage.verify', { target: cardFolder })
      if (!outcome.ok) return outcome.error
      useJobsStore.getState().apply(outcome.value)
      set((state) => ({ verifyJobs: { ...state.verifyJobs, [cardFolder]: outcome.value.id } }))
      return undefined
    } finally {
      set((state) => ({ starting: { ...state.starting, [cardFolder]: false } }))
    }
  },
  deploymentOf: (source) => callCompanion('export.deploymentOf', { source }),
  exportCamtrapDp: (input) => callCompanion('export.camtrapDp', input),
}))
