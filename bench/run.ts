// Backup against cp -r and rsync -a on the same generated card, in one run (npm run bench). Every figure is
// the median of BENCH_RUNS runs (default 3).
import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MemoryCache } from '../src/core/cache/index.js'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { LocalSource } from '../src/core/sources/localSource.js'
import { hashFromDrive } from '../src/core/storage/driveReadBack.js'
import { hashFile } from '../src/core/storage/fileHash.js'
import { StorageManager } from '../src/core/storage/storageManager.js'
import { dropCaches, flushDisks, mbPerSecond, median, printRatio, timeCommand } from './measure.js'

// The bundle itself: bin/creaturebox.js would run the sources through tsx if any was edited after the build.
const cli = fileURLToPath(new URL('../out/cli/creaturebox.mjs', import.meta.url))
const sizeMb = Number(process.env['BENCH_CARD_MB'] ?? 2048)
const runs = Number(process.env['BENCH_RUNS'] ?? 3)
const photoKb = 4000
const perNight = 100
const nights = Math.max(1, Math.round((sizeMb * 1000) / photoKb / perNight))

// Users run the bundle that npm install builds; a stale one would silently measure tsx instead.
timeCommand('build the CLI', process.execPath, [
  fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url)),
])

const dir = await fsp.mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'creaturebox-bench-'))
const mounts: string[] = []
try {
  console.log(`Generating a ${sizeMb} MB card (${nights} nights × ${perNight} photos × ${photoKb} KB)…`)
  const card = await writeCardFixture(path.join(dir, 'CARD'), { nights, perNight, photoKb })
  const bytes = card.bytes
  const fresh = async (name: string) => {
    const folder = path.join(dir, name)
    await fsp.rm(folder, { recursive: true, force: true })
    await fsp.mkdir(folder, { recursive: true })
    return folder
  }
  const backupArgs = (...destinations: string[]) => [
    cli,
    'backup',
    card.root,
    ...destinations.flatMap((destination) => ['--to', destination]),
  ]

  // A copy counts once it is on the drive: cp and rsync are followed by sync, whose time is counted, as the
  // Companion fsyncs every file before calling it copied. The card is read from the page cache.
  const copyRun = async (label: string, command: string, args: (target: string) => string[]) =>
    median(
      await sequence(runs, async () => {
        const target = await fresh(`${label}-target`)
        await emptyFolder(path.join(dir, 'two-second-target')).catch(() => undefined)
        flushDisks()
        return timeCommand(label, command, args(target)) + timeCommand('sync', 'sync', [])
      }),
    )
  const cp = await copyRun('cp', 'cp', (target) => ['-r', card.root, target])
  const rsync = await copyRun('rsync', 'rsync', (target) => ['-a', `${card.root}/`, target])
  const one = await copyRun('one', process.execPath, (target) => backupArgs(target))
  const second = await fresh('two-second-target')
  const two = await copyRun('two', process.execPath, (target) => backupArgs(target, second))

  const noopTarget = await fresh('noop')
  timeCommand('rsync first copy', 'rsync', ['-a', `${card.root}/`, noopTarget])
  timeCommand('backup first copy', process.execPath, backupArgs(noopTarget))
  const rsyncNoop = median(
    await sequence(runs, async () =>
      timeCommand('rsync no-op', 'rsync', ['-a', `${card.root}/`, noopTarget]),
    ),
  )
  const cliNoop = median(
    await sequence(runs, async () => timeCommand('backup no-op', process.execPath, backupArgs(noopTarget))),
  )
  // What the app does when asked again: the same StorageManager call in a process that is already running.
  const manager = new StorageManager(await LocalSource.open(card.root), new MemoryCache())
  const inProcessNoop = median(
    await sequence(runs, async () => {
      const started = performance.now()
      const result = await manager.backupPhotos(noopTarget)
      if (result.copied !== 0) throw new Error('the no-op backup copied files')
      return (performance.now() - started) / 1000
    }),
  )
  await manager.close()

  // The verification step's read-back: every copy of a backup re-read from the drive itself (O_DIRECT, as
  // backup and verify do) against the same files read through the page cache, as the read-back used to be.
  const copies = (await fsp.readdir(noopTarget, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
  const readAll = async (read: (file: string) => Promise<unknown>) =>
    median(
      await sequence(runs, async () => {
        const started = performance.now()
        for (const copy of copies) await read(copy)
        return (performance.now() - started) / 1000
      }),
    )
  const cachedReadBack = await readAll((file) => hashFile(file))
  const driveReadBack = await readAll(async (file) => {
    if ((await hashFromDrive(file)).level !== 'drive') throw new Error('the page cache was not bypassed')
  })
  const verifyCli = median(
    await sequence(runs, async () => timeCommand('verify', process.execPath, [cli, 'verify', noopTarget])),
  )

  console.log(`card: ${(bytes / 1e6).toFixed(0)} MB, ${card.files.length} files; medians of ${runs} runs`)
  console.log(`cp -r + sync:                  ${cp.toFixed(2)} s (${mbPerSecond(bytes, cp)} MB/s)`)
  console.log(`rsync -a + sync:               ${rsync.toFixed(2)} s (${mbPerSecond(bytes, rsync)} MB/s)`)
  console.log(`creaturebox backup (verified): ${one.toFixed(2)} s (${mbPerSecond(bytes, one)} MB/s)`)
  console.log(`two destinations, same disk:   ${two.toFixed(2)} s`)
  console.log(`rsync -a no-op:                ${rsyncNoop.toFixed(3)} s`)
  console.log(`creaturebox backup no-op:      ${cliNoop.toFixed(3)} s (a new Node process)`)
  console.log(`no-op in the running app:      ${inProcessNoop.toFixed(3)} s`)
  console.log(
    `read-back, page cache:         ${cachedReadBack.toFixed(2)} s (${mbPerSecond(bytes, cachedReadBack)} MB/s)`,
  )
  console.log(
    `read-back, from the drive:     ${driveReadBack.toFixed(2)} s (${mbPerSecond(bytes, driveReadBack)} MB/s)`,
  )
  console.log(
    `creaturebox verify:            ${verifyCli.toFixed(2)} s (${mbPerSecond(bytes, verifyCli)} MB/s)`,
  )
  printRatio('backup throughput / cp -r throughput', cp / one, '>= 0.95')
  printRatio('backup throughput / rsync -a throughput', rsync / one, '>= 0.95')
  printRatio('no-op time / rsync -a no-op time (CLI process)', cliNoop / rsyncNoop, '<= 1.0')
  printRatio('no-op time / rsync -a no-op time (running app)', inProcessNoop / rsyncNoop, '<= 1.0')
  printRatio('two destinations / one (same disk: twice the bytes written)', two / one, '<= 1.2')
  printRatio('read-back from the drive / through the page cache', driveReadBack / cachedReadBack, 'measured')
  printRatio('read-back from the drive / whole verified backup', driveReadBack / one, 'measured')

  // Two real drives each take their own bytes; here two RAM disks stand in for them, and the card is read
  // cold from the disk, as from a card. Needs root (mount, drop_caches).
  const drives = await mountRamDrives(['drive-a', 'drive-b'], Math.ceil((bytes * 1.2) / 1e6))
  if (!drives || !dropCaches()) {
    console.log('separate drives: skipped (needs root to mount tmpfs and drop caches)')
  } else {
    mounts.push(...drives)
    const onDrives = async (targets: string[]) =>
      median(
        await sequence(runs, async () => {
          for (const target of targets) await emptyFolder(target)
          dropCaches()
          return timeCommand('backup to drives', process.execPath, backupArgs(...targets))
        }),
      )
    const oneDrive = await onDrives(drives.slice(0, 1))
    const twoDrives = await onDrives(drives)
    console.log(`one RAM drive, cold card:      ${oneDrive.toFixed(2)} s`)
    console.log(`two RAM drives, cold card:     ${twoDrives.toFixed(2)} s`)
    printRatio('two destinations / one (separate drives)', twoDrives / oneDrive, '<= 1.2')
  }
} finally {
  for (const mount of mounts) spawnSync('umount', [mount])
  await fsp.rm(dir, { recursive: true, force: true })
}

async function sequence(count: number, run: () => Promise<number>): Promise<number[]> {
  const results: number[] = []
  for (let i = 0; i < count; i++) results.push(await run())
  return results
}

async function emptyFolder(folder: string): Promise<void> {
  for (const entry of await fsp.readdir(folder)) await fsp.rm(path.join(folder, entry), { recursive: true })
}

async function mountRamDrives(names: string[], sizeMb: number): Promise<string[] | undefined> {
  const mounted: string[] = []
  for (const name of names) {
    const folder = path.join(dir, name)
    await fsp.mkdir(folder)
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', folder], {
      stdio: 'ignore',
    })
    if (mount.status !== 0) {
      for (const done of mounted) spawnSync('umount', [done])
      return undefined
    }
    mounted.push(folder)
  }
  return mounted
}
