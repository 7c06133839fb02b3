import { beforeEach, describe, expect, it } from 'vitest'
import type { CompanionBridge, ContractEvent } from '../../../src/shared/bridge.js'
import type { JobSnapshot } from '../../../src/shared/jobs.js'
import { connectCompanion } from '../../../src/renderer/src/bridge/companion.js'
import { useJobsStore } from '../../../src/renderer/src/stores/jobsStore.js'

const job = (status: JobSnapshot['status'], fraction?: number): JobSnapshot => ({
  id: '6f1c6a5e-8f0a-4a43-9f39-2d3c0c7c1a11',
  name: 'Backup of /media/CARD',
  status,
  progress: fraction === undefined ? {} : { fraction },
  createdAt: 1,
})

/** A bridge whose start reply is held back until the test releases it, as a slow link would. */
function delayedBridge(reply: JobSnapshot) {
  let release: () => void = () => undefined
  const released = new Promise<void>((resolve) => (release = resolve))
  const calls: string[] = []
  const bridge: CompanionBridge = {
    invoke: (async (name: string) => {
      calls.push(name)
      await released
      return { ok: true, value: reply }
    }) as CompanionBridge['invoke'],
    subscribe: (_listener: (event: ContractEvent) => void) => () => undefined,
  }
  return { bridge, release, calls }
}

beforeEach(() => {
  useJobsStore.setState({ jobs: {}, lastStarted: {}, starting: {}, error: undefined })
})

describe('the jobs store', () => {
  it('keeps a job finished when the reply that started it arrives after its completion event', async () => {
    const { bridge, release } = delayedBridge(job('queued'))
    connectCompanion(bridge)
    const starting = useJobsStore
      .getState()
      .startBackup({ source: '/media/CARD', destinations: ['/media/B'] })
    useJobsStore.getState().apply(job('running', 0.5))
    useJobsStore.getState().apply(job('completed', 1))
    release()
    expect(await starting).toBeUndefined()
    const state = useJobsStore.getState()
    expect(state.jobs[job('queued').id]?.status).toBe('completed')
    expect(state.lastStarted.backup).toBe(job('queued').id)
  })

  it('starts one backup for a double click', async () => {
    const { bridge, release, calls } = delayedBridge(job('queued'))
    connectCompanion(bridge)
    const input = { source: '/media/CARD', destinations: ['/media/B'] }
    const first = useJobsStore.getState().startBackup(input)
    const second = useJobsStore.getState().startBackup(input)
    release()
    await Promise.all([first, second])
    expect(calls).toEqual(['storage.backup'])
    expect(useJobsStore.getState().starting.backup).toBe(false)
  })

  it('takes progress ticks of a running job in order', () => {
    useJobsStore.getState().apply(job('running', 0.2))
    useJobsStore.getState().apply(job('running', 0.6))
    expect(useJobsStore.getState().jobs[job('running').id]?.progress.fraction).toBe(0.6)
  })
})
