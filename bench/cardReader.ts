// A card in a card reader (npm run bench): a season's card (BENCH_READER_PHOTOS photos, 20 000 by default, in
// Mothbox names and folders from the fixture generator) on an ext4 image attached to a loop device, read
// through the blkio cgroup (v1) throttle at 90 MiB/s and 1 500 read IOPS, as a USB card reader reads an SD
// card, with the page cache dropped before every tool. In the same run it times `creaturebox backup` (the CLI
// bundle, a new process) against `cp -r` + `sync -f`, two drives against one, and `creaturebox stats` with no
// kept catalog against `find -type f -printf`. The drives are ext4 on loop devices whose images live in RAM
// (/dev/shm): not throttled, not sharing the virtual disk with the card's image, and they take O_DIRECT, so a
// backup's verification reads its copies back from the drive as on a real one (on tmpfs itself it could not).
// Needs root; skipped, and says so, otherwise. Every mount, loop device and cgroup it creates is removed at the
// end, on failure and on SIGINT/SIGTERM/SIGHUP. Figures are printed, never asserted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from './measure.js'

const photos = Number(process.env['BENCH_READER_PHOTOS'] ?? 20_000)
const photoKb = Number(process.env['BENCH_READER_PHOTO_KB'] ?? 100)
const perNightWanted = Number(process.env['BENCH_READER_PER_NIGHT'] ?? 500)
const runs = Number(process.env['BENCH_READER_RUNS'] ?? 1)
/** 90 MiB/s and 1 500 IOPS: a good USB 3 reader with a UHS-I card, reading. */
const READ_BPS = 94_371_840
const READ_IOPS = 1500
const cli = fileURLToPath(new URL('../out/cli/creaturebox.mjs', import.meta.url))
const hasTime = spawnSync('/usr/bin/time', ['true']).status === 0
const cpuFile = path.join(os.tmpdir(), `creaturebox-reader-cpu-${process.pid}`)

// ---- Clean-up: every step that created something registers how to undo it, undone in reverse order. -------

const undo: { what: string; run: () => void }[] = []
const children = new Set<ChildProcess>()
let cleanedUp = false

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Retries an undo step for a few seconds: a killed reader may still hold the mount or the cgroup briefly. */
function retry(attempt: () => boolean, seconds = 10): boolean {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; sleepMs(200)) {
    if (attempt()) return true
  }
  return attempt()
}

function cleanUp(): void {
  if (cleanedUp) return
  cleanedUp = true
  // Each measured command leads its own process group (the shell, GNU time and the tool): end them all.
  for (const child of children) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  for (const step of undo.reverse()) {
    try {
      step.run()
    } catch (error) {
      console.error(`clean-up: ${step.what} failed: ${(error as Error).message}`)
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  console.error(`\ncard reader benchmark: ${signal}, cleaning up`)
  cleanUp()
  process.exit(128 + (os.constants.signals[signal] ?? 1))
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal)
process.on('exit', cleanUp)

// ---- Helpers ---------------------------------------------------------------------------------------------

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message || ''}`)
  return result.stdout
}

const quiet = (command: string, args: string[]): boolean =>
  spawnSync(command, args, { stdio: 'ignore' }).status === 0

function dropCaches(): void {
  spawnSync('sync')
  fs.writeFileSync('/proc/sys/vm/drop_caches', '3')
}

interface Timed {
  seconds: number
  stdout: string
  stderr: string
  /** User and system CPU seconds of the command (GNU time), when /usr/bin/time exists. */
  cpu?: { user: number; system: number }
}

/** Runs a command to completion, asynchronously (signals stay handled), optionally inside a cgroup. */
function timed(command: string, args: string[], options: { cgroup?: string; env?: NodeJS.ProcessEnv } = {}) {
  const measured = hasTime
    ? ['/usr/bin/time', '-f', '%U %S', '-o', cpuFile, command, ...args]
    : [command, ...args]
  // The shell moves itself into the cgroup, then becomes the command: every process and thread of the
  // measured tool reads through the throttle, from its first read.
  const [program, ...programArgs] = options.cgroup
    ? ['sh', '-c', 'echo $$ > "$0" && exec "$@"', path.join(options.cgroup, 'cgroup.procs'), ...measured]
    : measured
  return new Promise<Timed>((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(program as string, programArgs, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      detached: true,
    })
    children.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      children.delete(child)
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      if (code !== 0) {
        fs.rmSync(cpuFile, { force: true })
        return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))
      }
      let cpu: Timed['cpu']
      if (hasTime) {
        const [user, system] = fs.readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number)
        cpu = { user: user ?? Number.NaN, system: system ?? Number.NaN }
        fs.rmSync(cpuFile, { force: true })
      }
      resolve({ seconds, stdout, stderr, cpu })
    })
  })
}

/** An ext4 image attached to a loop device and mounted; undone at clean-up. */
function attachExt4(image: string, sizeBytes: number, mountPoint: string, label: string): string {
  fs.writeFileSync(image, '')
  undo.push({ what: `remove ${image}`, run: () => fs.rmSync(image, { force: true }) })
  fs.truncateSync(image, sizeBytes)
  run('mkfs.ext4', ['-q', '-F', '-m', '0', '-L', label, image])
  const device = run('losetup', ['--find', '--show', image]).trim()
  undo.push({
    what: `detach ${device}`,
    run: () => {
      if (!retry(() => quiet('losetup', ['-d', device]))) throw new Error(`${device} is still attached`)
    },
  })
  fs.mkdirSync(mountPoint, { recursive: true })
  run('mount', ['-t', 'ext4', device, mountPoint])
  undo.push({
    what: `unmount ${mountPoint}`,
    run: () => {
      if (!retry(() => quiet('umount', [mountPoint]))) {
        // Still busy after 10 s: detach it from the tree now; the kernel frees it when the last user goes.
        if (!quiet('umount', ['-l', mountPoint])) throw new Error(`${mountPoint} is still mounted`)
      }
    },
  })
  return device
}

function emptyFolder(folder: string): void {
  fs.rmSync(folder, { recursive: true, force: true })
  fs.mkdirSync(folder, { recursive: true })
}

/** Bytes and read requests the cgroup's processes have sent to the device so far. */
function cgroupReads(cgroup: string, majorMinor: string): { bytes: number; ios: number } {
  const total = (file: string) => {
    const line = fs
      .readFileSync(path.join(cgroup, file), 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${majorMinor} Read `))
    return Number(line?.split(' ')[2] ?? 0)
  }
  return { bytes: total('blkio.throttle.io_service_bytes'), ios: total('blkio.throttle.io_serviced') }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(0)
const fixed = (value: number, digits = 2) => value.toFixed(digits)

// ---- The benchmark ----------------------------------------------------------------------------------------

const blkioRoot = '/sys/fs/cgroup/blkio'
const tools = ['losetup', 'mkfs.ext4', 'mount', 'umount', 'dd', 'find', 'cp', 'sync']
const missing = tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
if (process.getuid?.() !== 0) {
  console.log(
    'card reader benchmark: SKIPPED: needs root (loop devices, mounts, the blkio cgroup, dropping the page cache)',
  )
} else if (missing.length > 0) {
  console.log(`card reader benchmark: SKIPPED: ${missing.join(', ')} not installed (e2fsprogs, util-linux)`)
} else {
  await main()
}

async function main(): Promise<void> {
  run(process.execPath, [fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url))])

  // The blkio controller (cgroup v1), mounted here only if the system has not mounted it.
  if (!fs.existsSync(path.join(blkioRoot, 'blkio.throttle.read_bps_device'))) {
    fs.mkdirSync(blkioRoot, { recursive: true })
    if (!quiet('mount', ['-t', 'cgroup', '-o', 'blkio', 'blkio', blkioRoot])) {
      console.log('card reader benchmark: SKIPPED: no blkio cgroup (v1) controller to throttle the reader')
      return
    }
    undo.push({ what: `unmount ${blkioRoot}`, run: () => void quiet('umount', [blkioRoot]) })
  }

  const work = fs.mkdtempSync(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'creaturebox-reader-'))
  undo.push({ what: `remove ${work}`, run: () => fs.rmSync(work, { recursive: true, force: true }) })
  const ram = fs.mkdtempSync('/dev/shm/creaturebox-reader-')
  undo.push({ what: `remove ${ram}`, run: () => fs.rmSync(ram, { recursive: true, force: true }) })
  undo.push({ what: 'remove the CPU time file', run: () => fs.rmSync(cpuFile, { force: true }) })

  // Room: the card's image on the disk, two drive images in RAM, each the card's size plus ext4's own.
  const nights = Math.max(1, Math.round(photos / perNightWanted))
  const perNight = Math.ceil(photos / nights)
  const estimate = photos * photoKb * 1024 * 1.08 + nights * 64 * 1024
  const imageBytes = Math.ceil((estimate * 1.15 + 256 * 1024 * 1024) / 1048576) * 1048576
  const free = (folder: string) => {
    const stats = fs.statfsSync(folder)
    return stats.bavail * stats.bsize
  }
  if (free(work) < imageBytes * 1.1)
    throw new Error(`${work} has ${mb(free(work))} MB free; the card needs ${mb(imageBytes)} MB`)
  if (free(ram) < imageBytes * 2.2)
    throw new Error(`/dev/shm has ${mb(free(ram))} MB free; the two drives need ${mb(imageBytes * 2)} MB`)

  const cardRoot = path.join(work, 'CARD')
  const cardDevice = attachExt4(path.join(work, 'card.img'), imageBytes, cardRoot, 'CARD')
  const driveA = path.join(work, 'DRIVE-A')
  const driveB = path.join(work, 'DRIVE-B')
  attachExt4(path.join(ram, 'drive-a.img'), imageBytes, driveA, 'DRIVE-A')
  attachExt4(path.join(ram, 'drive-b.img'), imageBytes, driveB, 'DRIVE-B')

  console.log(
    `Generating a card of ${photos} photos (${nights} nights × ${perNight}, ${photoKb} KB) on ${cardDevice}…`,
  )
  const generated = await timed(process.execPath, [
    cli,
    'fixture',
    cardRoot,
    '--nights',
    String(nights),
    '--per-night',
    String(perNight),
    '--photo-kb',
    String(photoKb),
    '--json',
  ])
  const card = JSON.parse(generated.stdout) as { photos: number; bytes: number; files: number }
  run('sync', ['-f', cardRoot])

  // The throttle: a cgroup of our own, limiting reads of the card's loop device only.
  const majorMinor = fs.readFileSync(`/sys/class/block/${path.basename(cardDevice)}/dev`, 'utf8').trim()
  const cgroup = path.join(blkioRoot, `creaturebox-reader-${process.pid}`)
  fs.mkdirSync(cgroup)
  undo.push({
    what: `remove the cgroup ${cgroup}`,
    run: () => {
      if (!retry(() => quiet('rmdir', [cgroup]))) throw new Error(`${cgroup} is still there`)
    },
  })
  fs.writeFileSync(path.join(cgroup, 'blkio.throttle.read_bps_device'), `${majorMinor} ${READ_BPS}`)
  fs.writeFileSync(path.join(cgroup, 'blkio.throttle.read_iops_device'), `${majorMinor} ${READ_IOPS}`)
  const throttled = (command: string, args: string[], env?: NodeJS.ProcessEnv) =>
    timed(command, args, { cgroup, env })
  // A loop device reads ahead 2.5 MiB here; a USB card reader's usual 128 KiB is what a card gets.
  const readAheadFile = `/sys/block/${path.basename(cardDevice)}/queue/read_ahead_kb`
  fs.writeFileSync(readAheadFile, process.env['BENCH_READER_READ_AHEAD_KB'] ?? '128')
  const readAhead = fs.readFileSync(readAheadFile, 'utf8').trim()

  // Does the throttle apply? The card's device read raw, cold, inside and outside the cgroup.
  const ddSpeed = (result: Timed) => /([\d.,]+ [kMG]?B\/s)/.exec(result.stderr)?.[1] ?? '?'
  const ddMiB = 360
  dropCaches()
  const rawFree = await timed('dd', [`if=${cardDevice}`, 'of=/dev/null', 'bs=1M', `count=${ddMiB}`])
  dropCaches()
  const rawThrottled = await throttled('dd', [`if=${cardDevice}`, 'of=/dev/null', 'bs=1M', `count=${ddMiB}`])
  const iopsReads = 3000
  const rawIops = await throttled('dd', [
    `if=${cardDevice}`,
    'of=/dev/null',
    'bs=4k',
    `count=${iopsReads}`,
    'iflag=direct',
  ])

  const configHome = path.join(work, 'config')
  /** A fresh data folder: no kept catalog, no earlier job history. */
  const freshEnv = () => {
    fs.rmSync(configHome, { recursive: true, force: true })
    return { ...process.env, XDG_CONFIG_HOME: configHome }
  }
  const backupA = path.join(driveA, 'backup')
  const backupB = path.join(driveB, 'backup')
  type Sample = Timed & { reads: { bytes: number; ios: number } }
  const samples: Record<string, Sample[]> = {
    cp: [],
    sync: [],
    one: [],
    unverified: [],
    two: [],
    find: [],
    stats: [],
  }
  const measure = async (key: string, command: string, args: string[], env?: NodeJS.ProcessEnv) => {
    dropCaches()
    const before = cgroupReads(cgroup, majorMinor)
    const result = await throttled(command, args, env)
    const after = cgroupReads(cgroup, majorMinor)
    samples[key]?.push({
      ...result,
      reads: { bytes: after.bytes - before.bytes, ios: after.ios - before.ios },
    })
    return result
  }
  for (let round = 0; round < runs; round++) {
    emptyFolder(backupA)
    await measure('cp', 'cp', ['-r', cardRoot, path.join(backupA, 'CARD')])
    // cp's copy counts once it is on the drive, as the backup fsyncs each file before calling it copied.
    const synced = await timed('sync', ['-f', backupA])
    samples['sync']?.push({ ...synced, reads: { bytes: 0, ios: 0 } })
    emptyFolder(backupA)
    await measure('one', process.execPath, [cli, 'backup', cardRoot, '--to', backupA], freshEnv())
    // Not a comparison: what the verification (reading every copy back from the drive) costs here.
    emptyFolder(backupA)
    await measure(
      'unverified',
      process.execPath,
      [cli, 'backup', cardRoot, '--no-verify', '--to', backupA],
      freshEnv(),
    )
    emptyFolder(backupA)
    emptyFolder(backupB)
    await measure(
      'two',
      process.execPath,
      [cli, 'backup', cardRoot, '--to', backupA, '--to', backupB],
      freshEnv(),
    )
    await measure('find', 'find', [cardRoot, '-type', 'f', '-printf', '%s %T@\\n'])
    const stats = await measure('stats', process.execPath, [cli, 'stats', '--json', cardRoot], freshEnv())
    const counted = (JSON.parse(stats.stdout) as { photos: { count: number } }).photos.count
    if (counted !== card.photos) throw new Error(`stats counted ${counted} photos of ${card.photos}`)
  }

  const seconds = (key: string) => median((samples[key] ?? []).map((sample) => sample.seconds))
  const cp = seconds('cp') + seconds('sync')
  const one = seconds('one')
  const two = seconds('two')
  const find = seconds('find')
  const stats = seconds('stats')
  const describe = (key: string, label: string, total = seconds(key)) => {
    const last = samples[key]?.at(-1)
    const reads = last?.reads ?? { bytes: 0, ios: 0 }
    // What the throttle alone allows for the reads the tool made: the slower of its two limits.
    const floor = Math.max(reads.bytes / READ_BPS, reads.ios / READ_IOPS)
    console.log(
      `${label.padEnd(34)} ${fixed(total).padStart(7)} s` +
        (['find', 'stats'].includes(key) ? '' : ` (${mb(card.bytes / total)} MB/s)`) +
        `, card read ${mb(reads.bytes)} MB in ${reads.ios} requests (throttle alone: ${fixed(floor)} s)` +
        (last?.cpu === undefined
          ? ''
          : `, CPU ${fixed(last.cpu.user)} s user + ${fixed(last.cpu.system)} s system`),
    )
  }
  console.log(
    `card reader: ${card.photos} photos, ${card.files} files, ${mb(card.bytes)} MB on ext4 (${cardDevice}, ` +
      `read-ahead ${readAhead} KiB); reads throttled to ${READ_BPS} B/s and ${READ_IOPS} IOPS; drives: ext4 ` +
      `on loop devices in RAM; page cache dropped before each tool; ${runs === 1 ? 'one run' : `medians of ${runs} runs`}; ` +
      `load average ${os
        .loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
  )
  console.log(
    `throttle check: ${ddMiB} MiB of the card's device read raw: ${ddSpeed(rawFree)} unthrottled, ` +
      `${ddSpeed(rawThrottled)} in the cgroup; ${iopsReads} direct 4 KiB reads in the cgroup: ` +
      `${fixed(iopsReads / rawIops.seconds, 0)} IOPS`,
  )
  describe('cp', 'cp -r + sync -f', cp)
  describe('one', 'creaturebox backup, one drive')
  describe('unverified', '  the same, --no-verify (diagnostic)')
  describe('two', 'creaturebox backup, two drives')
  describe('find', 'find -type f -printf')
  describe('stats', 'creaturebox stats, no kept catalog')
  const ratio = (name: string, value: number, goal: string) =>
    console.log(`ratio ${name}: ${fixed(value)} (goal ${goal})`)
  ratio('card reader: backup throughput / cp -r + sync throughput', cp / one, '>= 0.95')
  ratio('card reader: two drives / one drive (time)', two / one, '<= 1.05')
  ratio('card reader: cold stats / find (time)', stats / find, '<= 2')
}

cleanUp()
