// A season's card: stats of BENCH_PHOTOS photos (default 100 000, plus sidecars) by the CLI in a new process,
// first with no kept index (cold: one walk of names, sizes and mtimes) and then with the index a first run
// kept (warm), against `find -type f -printf '%s %T@\n'` over the same card in the same run; and the peak
// resident memory of the CLI. Files are in the page cache: this measures the CPU cost (npm run bench).
import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { MemoryCache } from '../src/core/cache/index.js'
import { LocalSource } from '../src/core/sources/localSource.js'
import { CatalogIndexStore } from '../src/core/storage/catalogIndex.js'
import { StorageManager } from '../src/core/storage/storageManager.js'
import { median, printRatio, timeCommand, timeNodeStatWalk } from './measure.js'

// The bundle itself: bin/creaturebox.js would run the sources through tsx if any was edited after the build.
const cli = fileURLToPath(new URL('../out/cli/creaturebox.mjs', import.meta.url))
const photos = Number(process.env['BENCH_PHOTOS'] ?? 100_000)
const runs = Number(process.env['BENCH_RUNS'] ?? 3)
const perNight = 1000

timeCommand('build the CLI', process.execPath, [
  fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url)),
])

const dir = await fsp.mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'creaturebox-catalog-'))
try {
  console.log(`Generating a card of ${photos} photos (${Math.ceil(photos / perNight)} nights)…`)
  const card = await writeCardFixture(path.join(dir, 'CARD'), {
    nights: Math.ceil(photos / perNight),
    perNight,
    photoKb: 1,
  })
  // The index lives in the data folder; each cold run starts without one.
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config') }
  const stats = () => {
    const started = process.hrtime.bigint()
    const run = spawnSync(
      '/usr/bin/time',
      ['-f', '%M', process.execPath, cli, 'stats', card.root, '--json'],
      {
        env,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    )
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (run.status !== 0) throw new Error(`stats failed: ${run.stderr}`)
    const counted = JSON.parse(run.stdout).photos.count as number
    if (counted !== card.photos) throw new Error(`stats counted ${counted} photos of ${card.photos}`)
    return { seconds, rssMb: Number(run.stderr.trim().split('\n').at(-1)) / 1024 }
  }
  const find = () => timeCommand('find', 'find', [card.root, '-type', 'f', '-printf', '%s %T@\\n'])
  find()
  const cold: number[] = []
  const warm: number[] = []
  const rss: number[] = []
  const finds: number[] = []
  const floors: number[] = []
  for (let run = 0; run < runs; run++) {
    await fsp.rm(env.XDG_CONFIG_HOME, { recursive: true, force: true })
    finds.push(find())
    floors.push(timeNodeStatWalk([card.root]))
    const first = stats()
    cold.push(first.seconds)
    const second = stats()
    warm.push(second.seconds)
    rss.push(first.rssMb, second.rssMb)
  }
  // What `serve` does for the first stats after a restart: a new StorageManager over the kept index.
  const afterRestart: number[] = []
  for (let run = 0; run < runs; run++) {
    const manager = new StorageManager(await LocalSource.open(card.root), new MemoryCache(), {
      catalogIndex: new CatalogIndexStore(
        path.join(env.XDG_CONFIG_HOME, 'CreatureBox Companion', 'catalog-index'),
      ),
    })
    const started = performance.now()
    const answer = await manager.getStorageStats()
    afterRestart.push((performance.now() - started) / 1000)
    if (answer.photos.count !== card.photos) throw new Error('the kept stats counted other photos')
    await manager.close()
  }
  const findTime = median(finds)
  console.log(`card: ${card.photos} photos, ${card.files.length} files; medians of ${runs} runs`)
  console.log(`find -type f -printf:          ${findTime.toFixed(2)} s`)
  console.log(`creaturebox stats, no index:   ${median(cold).toFixed(2)} s (a new Node process)`)
  console.log(`creaturebox stats, kept index: ${median(warm).toFixed(2)} s (a new Node process)`)
  console.log(`peak resident memory:          ${Math.max(...rss).toFixed(0)} MB`)
  console.log(`serve, first stats after restart: ${median(afterRestart).toFixed(3)} s (target <= 0.5 s)`)
  console.log(
    `a Node process that only stats the files: ${median(floors).toFixed(2)} s (the floor of any Node CLI)`,
  )
  printRatio('stats without an index / find', median(cold) / findTime, '<= 2')
  printRatio('floor of any Node CLI (start + a stat per file) / find', median(floors) / findTime, 'measured')
  printRatio('stats with the kept index / find', median(warm) / findTime, '<= 2')
  if (spawnSync('/usr/bin/time', ['true']).status !== 0) console.log('(peak memory needs /usr/bin/time)')
} finally {
  await fsp.rm(dir, { recursive: true, force: true })
}
