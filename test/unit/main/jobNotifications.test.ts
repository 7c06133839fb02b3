import { describe, expect, it } from 'vitest'
import { notifyJobEnds, type NotificationClass } from '../../../src/main/jobNotifications.js'
import type { ContractEvent } from '../../../src/shared/bridge.js'
import type { JobSnapshot } from '../../../src/shared/jobs.js'

// notifyJobEnds with a fake Notification class: what the OS would show, without the Electron binary.

function fakeNotifications(supported = true) {
  const shown: { title: string; body: string }[] = []
  const Fake = class {
    static isSupported = () => supported
    constructor(private readonly options: { title: string; body: string }) {}
    show() {
      shown.push(this.options)
    }
  } satisfies NotificationClass
  return { Fake, shown }
}

function fakeEvents() {
  const listeners = new Set<(event: ContractEvent) => void>()
  const subscribe = (listener: (event: ContractEvent) => void) => {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }
  return { subscribe, listeners, emit: (event: ContractEvent) => listeners.forEach((l) => l(event)) }
}

const job = (
  name: string,
  status: JobSnapshot['status'],
  extra: Partial<JobSnapshot> = {},
): ContractEvent => ({
  name: 'job.updated',
  payload: {
    id: '00000000-0000-4000-8000-000000000002',
    name,
    kind: 'backup',
    status,
    progress: {},
    createdAt: 0,
    ...extra,
  },
})

describe('notifyJobEnds', () => {
  it('announces an automatic backup once when it starts and once when it ends', () => {
    const { Fake, shown } = fakeNotifications()
    const events = fakeEvents()
    notifyJobEnds(events.subscribe, Fake)
    const name = 'Automatic backup of /media/me/CARD'
    events.emit(job(name, 'queued'))
    events.emit(job(name, 'running'))
    events.emit(job(name, 'running', { progress: { fraction: 0.5 } }))
    events.emit(job(name, 'completed'))
    events.emit(job(name, 'completed'))
    expect(shown).toEqual([
      {
        title: 'CreatureBox Companion: Backup started',
        body: `${name}: keep the card and the drives plugged in`,
      },
      { title: 'CreatureBox Companion: Finished', body: name },
    ])
  })

  it('announces only the end of a backup the user started, with the reason when it failed', () => {
    const { Fake, shown } = fakeNotifications()
    const events = fakeEvents()
    notifyJobEnds(events.subscribe, Fake)
    events.emit(job('Backup of /media/me/CARD', 'running'))
    events.emit(job('Backup of /media/me/CARD', 'failed', { error: { type: 'X', message: 'drive full' } }))
    expect(shown).toEqual([
      { title: 'CreatureBox Companion: Failed', body: 'Backup of /media/me/CARD: drive full' },
    ])
  })

  it('shows nothing where the OS has no notifications, ignores drive events, and unsubscribes', () => {
    const unsupported = fakeNotifications(false)
    const events = fakeEvents()
    notifyJobEnds(events.subscribe, unsupported.Fake)
    events.emit(job('Automatic backup of /media/me/CARD', 'completed'))
    expect(unsupported.shown).toEqual([])

    const { Fake, shown } = fakeNotifications()
    const stop = notifyJobEnds(events.subscribe, Fake)
    events.emit({ name: 'drives.changed', payload: [] })
    expect(shown).toEqual([])
    stop()
    events.emit(job('Backup of /media/me/CARD', 'completed', { id: '00000000-0000-4000-8000-000000000003' }))
    expect(shown).toEqual([])
  })
})
