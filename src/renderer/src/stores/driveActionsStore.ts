import { create } from 'zustand'
import type { CommandOutcome } from '../../../shared/bridge.js'
import type { CommandInput, CommandResult } from '../../../shared/contract.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { callCompanion } from '../bridge/companion.js'
import { useJobsStore } from './jobsStore.js'

/**
 * What the Backup result offers per drive after a backup: re-verify the copy from the drive (a job) and
 * export it as Camtrap DP. The verify job of each target (a card folder or a drive) is remembered, so its
 * progress and report are found again after navigating away.
 */
interface DriveActionsState {
  verifyJobs: Record<string, string>
  starting: Record<string, boolean>
  startVerify(target: string): Promise<CompanionErrorData | undefined>
  deploymentOf(source: string): Promise<CommandOutcome<CommandResult<'export.deploymentOf'>>>
  exportCamtrapDp(
    input: CommandInput<'export.camtrapDp'>,
  ): Promise<CommandOutcome<CommandResult<'export.camtrapDp'>>>
}

export const useDriveActionsStore = create<DriveActionsState>()((set, get) => ({
  verifyJobs: {},
  starting: {},
  startVerify: async (target) => {
    if (get().starting[target]) return undefined
    set((state) => ({ starting: { ...state.starting, [target]: true } }))
    try {
      const outcome = await callCompanion('storage.verify', { target })
      if (!outcome.ok) return outcome.error
      useJobsStore.getState().apply(outcome.value)
      set((state) => ({ verifyJobs: { ...state.verifyJobs, [target]: outcome.value.id } }))
      return undefined
    } finally {
      set((state) => ({ starting: { ...state.starting, [target]: false } }))
    }
  },
  deploymentOf: (source) => callCompanion('export.deploymentOf', { source }),
  exportCamtrapDp: (input) => callCompanion('export.camtrapDp', input),
}))
