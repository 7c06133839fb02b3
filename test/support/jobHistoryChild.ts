// Finishes jobs in a tight loop and reports each one only after its final state is on disk, so the parent
// can SIGKILL it at any moment and know what the history must still hold.
import { JobQueue } from '../../src/core/jobs/index.js'

const historyPath = process.argv[2]
if (!historyPath) throw new Error('usage: jobHistoryChild <historyPath>')

// Far above the few thousand jobs a test run makes: this is about surviving kills, not about the bound
// (jobHistoryCompaction.test.ts kills a bounded history).
const queue = await JobQueue.open({ historyPath, concurrency: 4, maxFinishedJobs: 100_000 })
for (let i = 0; i < 2; i++) {
  const job = queue.enqueue(
    `forever ${i}`,
    (context) => new Promise((resolve) => context.signal.addEventListener('abort', resolve)),
  )
  await queue.flushed()
  process.stdout.write(`running ${job.id}\n`)
}
for (let i = 0; ; i++) {
  const job = queue.enqueue(`quick ${i}`, async () => ({ n: i, padding: 'x'.repeat(i % 500) }))
  const final = await queue.waitFor(job.id)
  process.stdout.write(`done ${job.id} ${final?.status} ${i}\n`)
}
