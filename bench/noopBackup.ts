// A no-op re-run of a backup of a card of BENCH_NOOP_PHOTOS photos (default 20 000, small, with sidecars):
// `creaturebox backup` as a new process of the CLI bundle and inside a running app, against `rsync -a`'s
// no-op over the same card and drive, and against the floor of any Node CLI (a new Node process that only
// stats every file of the card and of the drive's copy). Files are in the page cache: the CPU cost.
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MemoryCache } from '../src/core/cache/index.js'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { LocalSource } from '../src/core/sources/localSource.js'
import { StorageManager } from '../src/core/storage/storageManager.js'
import { median, printRatio, timeCommand, timeNodeStatWalk } from './measure.js'

const cli = fileURLToPath(new URL('../out/cli/creaturebox.mjs', import.meta.url))
const photos = Number(process.env['BENCH_NOOP_PHOTOS'] ?? 20_000)
const runs = Number(process.env['BENCH_RUNS'] ?? 3)
const perNight = 1000

timeCommand('build the CLI', process.execPath, [
  fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url)),
])

const dir = await fsp.mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'creaturebox-noop-'))
try {
  console.log(`Generating a card of ${photos} photos of 4 KB…`)
  const card = await writeCardFixture(path.join(dir, 'CARD'), {
    nights: Math.ceil(photos / perNight),
    perNight,
    photoKb: 4,
  })
  const drive = path.join(dir, 'DRIVE')
  const mirror = path.join(dir, 'RSYNC')
  await Promise.all([fsp.mkdir(drive), fsp.mkdir(mirror)])
  timeCommand('first backup', process.execPath, [cli, 'backup', card.root, '--to', drive])
  timeCommand('first rsync', 'rsync', ['-a', `${card.root}/`, mirror])
  const [cardFolder] = await fsp.readdir(drive)
  const times = { rsync: [] as number[], cli: [] as number[], floor: [] as number[], app: [] as number[] }
  for (let run = 0; run < runs; run++) {
    times.rsync.push(timeCommand('rsync no-op', 'rsync', ['-a', `${card.root}/`, mirror]))
    times.cli.push(timeCommand('backup no-op', process.execPath, [cli, 'backup', card.root, '--to', drive]))
    times.floor.push(timeNodeStatWalk([card.root, path.join(drive, cardFolder as string)]))
  }
  // What the app does when asked again: the same call in a process that is already running.
  const manager = new StorageManager(await LocalSource.open(card.root), new MemoryCache())
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    const result = await manager.backupPhotos(drive)
    if (result.copied !== 0) throw new Error('the no-op backup copied files')
    times.app.push((performance.now() - started) / 1000)
  }
  await manager.close()
  const rsync = median(times.rsync)
  console.log(`card: ${card.photos} photos, ${card.files.length} files; medians of ${runs} runs`)
  console.log(`rsync -a no-op:                         ${rsync.toFixed(3)} s`)
  console.log(`creaturebox backup no-op, new process:  ${median(times.cli).toFixed(3)} s`)
  console.log(`the same inside the running app:        ${median(times.app).toFixed(3)} s`)
  console.log(`a Node process that only stats the files: ${median(times.floor).toFixed(3)} s`)
  printRatio('no-op, new process / rsync -a no-op', median(times.cli) / rsync, '<= 2')
  printRatio('no-op, running app / rsync -a no-op', median(times.app) / rsync, '<= 2')
  printRatio(
    'floor of any Node CLI (start + a stat per file) / rsync -a no-op',
    median(times.floor) / rsync,
    'measured',
  )
} finally {
  await fsp.rm(dir, { recursive: true, force: true })
}
