// Finishes jobs with large results in a tight loop under a small history bound, so the journal is compacted
// every few jobs, and reports each job only after its final state is on disk: the parent can SIGKILL it at
// any moment, often mid-compaction, and know what the history must still hold.
import { JobQueue } from '../../src/core/jobs/index.js'

const [historyPath, max] = process.argv.slice(2)
if (!historyPath || !max) throw new Error('usage: jobHistoryBoundChild <historyPath> <maxFinishedJobs>')

const queue = await JobQueue.open({ historyPath, maxFinishedJobs: Number(max), concurrency: 2 })
const running = queue.enqueue(
  'forever',
  (context) => new Promise((resolve) => context.signal.addEventListener('abort', resolve)),
)
await queue.flushed()
process.stdout.write(`running ${running.id}\n`)
for (let i = 0; ; i++) {
  const job = queue.enqueue(`quick ${i}`, async () => ({ n: i, padding: 'x'.repeat(100_000) }))
  const final = await queue.waitFor(job.id)
  process.stdout.write(`done ${job.id} ${final?.status} ${i}\n`)
}
