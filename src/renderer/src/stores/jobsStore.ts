import { create } from 'zustand'
import type { CommandOutcome } from '../../../shared/bridge.js'
import type { CommandInput } from '../../../shared/contract.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { isFinishedStatus, type JobSnapshot } from '../../../shared/jobs.js'
import { callCompanion } from '../bridge/companion.js'

/** The screens that start jobs; each remembers its last run so it is found again after navigating away. */
export type JobKind = 'backup' | 'cleanup' | 'organize'

interface JobsState {
  jobs: Record<string, JobSnapshot>
  error: CompanionErrorData | undefined
  lastStarted: Partial<Record<JobKind, string>>
  /** A start on its way: a second click must not start the same backup or cleanup twice. */
  starting: Partial<Record<JobKind, boolean>>
  load(): Promise<void>
  apply(job: JobSnapshot): void
  startBackup(input: CommandInput<'storage.backup'>): Promise<CompanionErrorData | undefined>
  startCleanup(input: CommandInput<'storage.cleanup'>): Promise<CompanionErrorData | undefined>
  startOrganize(input: CommandInput<'storage.organize'>): Promise<CompanionErrorData | undefined>
  cancel(id: string): Promise<CompanionErrorData | undefined>
  /** Forgets finished jobs older than `maxAgeMs`; resolves to how many were removed. */
  clearFinished(maxAgeMs: number): Promise<number | CompanionErrorData>
}

/** An event may arrive before the command that started the job returns: never go back to an older state. */
function isNewer(next: JobSnapshot, known: JobSnapshot | undefined): boolean {
  if (!known) return true
  if (isFinishedStatus(known.status) && !isFinishedStatus(next.status)) return false
  return !(known.status === 'running' && next.status === 'queued')
}

export const useJobsStore = create<JobsState>()((set, get) => {
  const start = async (kind: JobKind, request: () => Promise<CommandOutcome<JobSnapshot>>) => {
    if (get().starting[kind]) return undefined
    set((state) => ({ starting: { ...state.starting, [kind]: true } }))
    try {
      const result = await request()
      if (!result.ok) return result.error
      get().apply(result.value)
      set((state) => ({ lastStarted: { ...state.lastStarted, [kind]: result.value.id } }))
      return undefined
    } finally {
      set((state) => ({ starting: { ...state.starting, [kind]: false } }))
    }
  }
  return {
    jobs: {},
    error: undefined,
    lastStarted: {},
    starting: {},
    load: async () => {
      const outcome = await callCompanion('jobs.list', {})
      if (!outcome.ok) return set({ error: outcome.error })
      set({ jobs: Object.fromEntries(outcome.value.map((job) => [job.id, job])), error: undefined })
    },
    apply: (job) => {
      if (!isNewer(job, get().jobs[job.id])) return
      set((state) => ({ jobs: { ...state.jobs, [job.id]: job } }))
    },
    startBackup: (input) => start('backup', () => callCompanion('storage.backup', input)),
    startCleanup: (input) => start('cleanup', () => callCompanion('storage.cleanup', input)),
    startOrganize: (input) => start('organize', () => callCompanion('storage.organize', input)),
    cancel: async (id) => {
      const outcome = await callCompanion('jobs.cancel', { id })
      return outcome.ok ? undefined : outcome.error
    },
    clearFinished: async (maxAgeMs) => {
      const outcome = await callCompanion('jobs.cleanup', { maxAgeMs })
      if (!outcome.ok) return outcome.error
      await get().load()
      return outcome.value
    },
  }
})
