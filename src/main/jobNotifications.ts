import { Notification } from 'electron'
import type { ContractEvent } from '../shared/bridge.js'
import { jobEndNotice } from '../shared/jobNotice.js'

/** An OS notification when a backup, cleanup or organize ends; each job is announced once. */
export function notifyJobEnds(
  subscribe: (listener: (event: ContractEvent) => void) => () => void,
): () => void {
  const announced = new Set<string>()
  return subscribe((event) => {
    if (event.name !== 'job.updated' || announced.has(event.payload.id)) return
    const notice = jobEndNotice(event.payload)
    if (!notice || !Notification.isSupported()) return
    announced.add(event.payload.id)
    new Notification({ title: `CreatureBox Companion: ${notice.title}`, body: notice.body }).show()
  })
}
