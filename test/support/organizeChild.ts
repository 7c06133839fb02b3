/**
 * A process that organizes (or undoes the organizing of) a card, for the crash test to SIGKILL at random
 * points. Run with `node --import tsx test/support/organizeChild.ts <root> organize|undo`. It prints `start`
 * before touching anything and one `op <n>` line per file operation, so the parent can kill it at an op
 * of its choosing by waiting for that line: no timers.
 */
import { LocalSource } from '../../src/core/sources/localSource.js'
import { buildCatalog } from '../../src/core/storage/catalog.js'
import { organizePhotosByDate } from '../../src/core/storage/organize.js'

const [root, mode] = process.argv.slice(2)
if (root === undefined || (mode !== 'organize' && mode !== 'undo')) {
  process.stderr.write('usage: organizeChild.ts <root> organize|undo\n')
  process.exit(2)
}

const source = new LocalSource(root)
const catalog =
  mode === 'undo' ? { sourceId: `local:${root}`, photos: [], otherFiles: [] } : await buildCatalog(source)
// Pipes to the parent are synchronous on Linux: once a line is read, the child has reached that point.
process.stdout.write('start\n')
await organizePhotosByDate(source, catalog, {
  by: 'night',
  undo: mode === 'undo',
  onProgress: (progress) => {
    if (progress.currentFile !== undefined) process.stdout.write(`op ${progress.filesDone ?? 0}\n`)
  },
})
process.stdout.write('done\n')
