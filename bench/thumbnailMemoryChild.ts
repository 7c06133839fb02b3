// The child of thumbnailMemory.ts: a companion, as the desktop app's main process and `serve` hold one, makes
// a card's thumbnails through the contract's `photos.makeThumbnails` job; its peak RSS is printed as JSON.
import fsp from 'node:fs/promises'
import { isFinishedStatus, type JobSnapshot } from '../src/shared/jobs.js'
import type { ThumbnailsResult } from '../src/shared/photos.js'
import { createCompanion } from '../src/core/companion.js'
import { dispatchCommand } from '../src/core/dispatch.js'

/**
 * Kilobytes: the largest resident set this process had, from /proc's VmHWM. Not getrusage's ru_maxrss,
 * which Linux carries across exec: a child spawned by a large parent would report the parent's size.
 */
async function peakRssKb(): Promise<number> {
  const status = await fsp.readFile('/proc/self/status', 'utf8')
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN)
}

const [card, dataDir] = process.argv.slice(2) as [string, string]
const companion = await createCompanion({ dataDir })
const finished = new Promise<JobSnapshot>((resolve) =>
  companion.subscribe((event) => {
    if (
      event.name === 'job.updated' &&
      event.payload.kind === 'thumbnails' &&
      isFinishedStatus(event.payload.status)
    )
      resolve(event.payload)
  }),
)
const started = await dispatchCommand(companion.handlers, 'photos.makeThumbnails', {
  source: card,
  allNights: true,
})
if (!started.ok) throw new Error(started.error.message)
const job = await finished
const result = job.result as ThumbnailsResult | undefined
await companion.close()
console.log(
  JSON.stringify({
    status: job.status,
    made: (result?.decoded ?? 0) + (result?.fromPreview ?? 0) + (result?.cached ?? 0),
    failed: (result?.failed.length ?? 0) + (result?.damaged.length ?? 0),
    peakRssKb: await peakRssKb(),
  }),
)
