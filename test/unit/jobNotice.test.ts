import { describe, expect, it } from 'vitest'
import { jobEndNotice, jobStartNotice } from '../../src/shared/jobNotice.js'
import type { JobSnapshot } from '../../src/shared/jobs.js'

const job = (overrides: Partial<JobSnapshot>): JobSnapshot => ({
  id: '2f1e8a43-5c4b-4d6e-9f00-1a2b3c4d5e6f',
  name: 'Backup of /media/pi/CARD',
  status: 'running',
  progress: {},
  createdAt: 0,
  ...overrides,
})

describe('jobEndNotice', () => {
  it('says nothing while a job is queued or running', () => {
    expect(jobEndNotice(job({ status: 'queued' }))).toBeUndefined()
    expect(jobEndNotice(job({ status: 'running' }))).toBeUndefined()
  })

  it('names the job that ended and, for a failure, the reason the user can act on', () => {
    expect(jobEndNotice(job({ status: 'completed' }))).toEqual({
      title: 'Finished',
      body: 'Backup of /media/pi/CARD',
    })
    expect(
      jobEndNotice(
        job({ status: 'failed', error: { type: 'DESTINATION_FULL', message: 'The drive is full' } }),
      ),
    ).toEqual({ title: 'Failed', body: 'Backup of /media/pi/CARD: The drive is full' })
    expect(jobEndNotice(job({ status: 'cancelled' }))?.title).toBe('Cancelled')
  })
})

describe('jobStartNotice', () => {
  it('announces the start of a backup that began on its own when its card was inserted, and nothing else', () => {
    const automatic = job({ kind: 'backup', name: 'Automatic backup of /media/pi/CARD', status: 'running' })
    expect(jobStartNotice(automatic)).toEqual({
      title: 'Backup started',
      body: 'Automatic backup of /media/pi/CARD: keep the card and the drives plugged in',
    })
    expect(jobStartNotice({ ...automatic, status: 'queued' })).toBeUndefined()
    expect(jobStartNotice(job({ kind: 'backup', status: 'running' }))).toBeUndefined()
  })
})
