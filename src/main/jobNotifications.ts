import type { ContractEvent } from '../shared/bridge.js'
import { jobEndNotice, jobStartNotice } from '../shared/jobNotice.js'

/**
 * The part of Electron's `Notification` class used here. Passed in rather than imported, so a test can hand
 * it a fake and run without the Electron binary (as registerIpc takes its `ipcMain`).
 */
export interface NotificationClass {
  isSupported(): boolean
  new (options: { title: string; body: string }): { show(): void }
}

/**
 * An OS notification when a backup, cleanup or organize ends, and when an automatic backup starts; each job
 * is announced once per moment.
 */
export function notifyJobEnds(
  subscribe: (listener: (event: ContractEvent) => void) => () => void,
  Notification: NotificationClass,
): () => void {
  const announced = new Set<string>()
  return subscribe((event) => {
    if (event.name !== 'job.updated' || !Notification.isSupported()) return
    const start = jobStartNotice(event.payload)
    const end = jobEndNotice(event.payload)
    const notice = start ?? end
    const key = `${event.payload.id}:${start ? 'start' : 'end'}`
    if (!notice || announced.has(key)) return
    announced.add(key)
    new Notification({ title: `CreatureBox Companion: ${notice.title}`, body: notice.body }).show()
  })
}
