// SFTP read throughput over loopback against the same OpenSSH sshd, in one run (npm run bench, after run.ts):
// one large file vs `sftp -b`, many photo-sized files vs `sftp -b` `get -r` and `rsync -e ssh`. SftpSource is
// read the way a backup reads it (readSourceChunks: openReader into one reused buffer), written to a file.
// Each figure is the median of BENCH_RUNS runs (default 3), the tools taking turns in an order that rotates
// from run to run, so load and the previous tool's leftovers hit each alike. SftpSource runs under the V8 flags
// the CLI and the app set (src/core/v8Flags.ts).
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { readSourceChunks } from '../src/core/sources/readSourceChunks.js'
import { SftpSource } from '../src/core/sources/sftpSource.js'
import { applyTransferV8Flags } from '../src/core/v8Flags.js'
import { startSshServer } from '../test/support/sshServer.js'
import { flushDisks, mbPerSecond, median, printRatio, timeCommand } from './measure.js'

const bigMb = Number(process.env['BENCH_SFTP_MB'] ?? 1024)
const smallCount = Number(process.env['BENCH_SFTP_FILES'] ?? 2000)
const smallKb = 300
const filesInFlight = 8
const runs = Number(process.env['BENCH_RUNS'] ?? 3)

/** CPU seconds of this process, and of its waited-for children (sftp and its ssh), from /proc (Linux). */
function cpuSeconds(): { own: number; children: number } {
  const own = process.cpuUsage()
  let children = 0
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // cutime and cstime, in clock ticks (100 per second on Linux).
    children = (Number(fields[13]) + Number(fields[14])) / 100
  } catch {
    children = Number.NaN
  }
  return { own: (own.user + own.system) / 1e6, children }
}

applyTransferV8Flags()
const server = await startSshServer()
try {
  const box = path.join(server.dir, 'box')
  await fsp.mkdir(path.join(box, 'small'), { recursive: true })
  console.log(`Generating ${bigMb} MB file and ${smallCount} × ${smallKb} KB files…`)
  const chunk = randomBytes(1024 * 1024)
  const big = fs.createWriteStream(path.join(box, 'big.bin'))
  for (let i = 0; i < bigMb; i++)
    if (!big.write(chunk)) await new Promise<void>((resolve) => big.once('drain', () => resolve()))
  await new Promise((resolve) => big.end(resolve))
  for (let i = 0; i < smallCount; i++) {
    await fsp.writeFile(
      path.join(box, 'small', `photo_${String(i).padStart(5, '0')}.jpg`),
      randomBytes(smallKb * 1024),
    )
  }
  const bigBytes = bigMb * 1024 * 1024
  const smallBytes = smallCount * smallKb * 1024
  const out = (name: string) => path.join(server.dir, 'out', name)
  const ssh = ['-i', server.clientKey, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null']
  const sftpBatch = (label: string, commands: string) => {
    const batch = path.join(server.dir, `${label}.batch`)
    fs.writeFileSync(batch, commands)
    return timeCommand(label, 'sftp', [
      ...ssh,
      '-q',
      '-P',
      String(server.port),
      '-b',
      batch,
      `${server.user}@${server.host}`,
    ])
  }

  const source = await SftpSource.open({
    ref: { username: server.user, host: server.host, port: server.port, root: box },
    auth: { privateKeyPath: server.clientKey },
    knownHostsPath: path.join(server.dir, 'known_hosts'),
    confirmNewHostKey: () => true,
  })
  const copyWithSource = async (relative: string[], dest: string) => {
    await fsp.mkdir(dest, { recursive: true })
    let next = 0
    const started = process.hrtime.bigint()
    await Promise.all(
      Array.from({ length: Math.min(filesInFlight, relative.length) }, async () => {
        while (next < relative.length) {
          const name = relative[next++] as string
          const file = await fsp.open(path.join(dest, path.basename(name)), 'w')
          try {
            for await (const chunk of readSourceChunks(source, name)) await file.write(chunk)
          } finally {
            await file.close()
          }
        }
      }),
    )
    return Number(process.hrtime.bigint() - started) / 1e9
  }
  /** Wall time and the CPU each side's client spent: ours (this process) or sftp's (a child). */
  const sample = async (run: () => number | Promise<number>, cpuOf: 'own' | 'children') => {
    // The previous tool's writes are flushed first, not left for the next one to pay for.
    flushDisks()
    const before = cpuSeconds()
    const seconds = await run()
    return { seconds, cpu: cpuSeconds()[cpuOf] - before[cpuOf] }
  }
  const names = (await fsp.readdir(path.join(box, 'small'))).map((name) => `small/${name}`)
  const results = { sftpBig: [], oursBig: [], sftpSmall: [], oursSmall: [], rsyncSmall: [] } as Record<
    string,
    { seconds: number; cpu: number }[]
  >
  const hasRsync = spawnSync('rsync', ['--version']).status === 0
  /** Runs one tool into an empty folder of its own: its previous output is deleted just before it starts. */
  const step =
    (key: string, folder: string, run: () => number | Promise<number>, cpuOf: 'own' | 'children') =>
    async () => {
      await fsp.rm(out(folder), { recursive: true, force: true })
      await fsp.mkdir(out(folder), { recursive: true })
      results[key]?.push(await sample(run, cpuOf))
    }
  const bigSteps = [
    step(
      'sftpBig',
      'sftp-big',
      () => sftpBatch('sftp get big', `get ${box}/big.bin ${out('sftp-big')}/\n`),
      'children',
    ),
    step('oursBig', 'ours-big', () => copyWithSource(['big.bin'], out('ours-big')), 'own'),
  ]
  const smallSteps = [
    step(
      'sftpSmall',
      'sftp-small',
      () => sftpBatch('sftp get -r', `get -r ${box}/small ${out('sftp-small')}/\n`),
      'children',
    ),
    step('oursSmall', 'ours-small', () => copyWithSource(names, out('ours-small')), 'own'),
    ...(hasRsync
      ? [
          step(
            'rsyncSmall',
            'rsync-small',
            () =>
              timeCommand('rsync -e ssh', 'rsync', [
                '-a',
                '-e',
                `ssh ${ssh.join(' ')} -p ${server.port}`,
                `${server.user}@${server.host}:${box}/small/`,
                `${out('rsync-small')}/`,
              ]),
            'children',
          ),
        ]
      : []),
  ]
  // The order rotates from run to run: whichever tool runs right after another's gigabyte was freed or written
  // measured slower here (cause not pinned down), and that must not always be the same tool.
  const rotate = <T>(list: T[], by: number) => list.map((_, index) => list[(index + by) % list.length] as T)
  for (let run = 0; run < runs; run++) {
    for (const next of rotate(bigSteps, run)) await next()
    for (const next of rotate(smallSteps, run)) await next()
  }
  await source.close()
  const secondsOf = (key: string) => median((results[key] ?? []).map((result) => result.seconds))
  const cpuOf = (key: string) => median((results[key] ?? []).map((result) => result.cpu))
  const sftpBig = secondsOf('sftpBig')
  const oursBig = secondsOf('oursBig')
  const sftpSmall = secondsOf('sftpSmall')
  const oursSmall = secondsOf('oursSmall')
  const rsyncSmall = hasRsync ? secondsOf('rsyncSmall') : undefined
  const cpu = (key: string) => `client CPU ${cpuOf(key).toFixed(2)} s`

  console.log(`medians of ${runs} runs; large file (${bigMb} MB):`)
  console.log(
    `  sftp -b get:          ${sftpBig.toFixed(2)} s (${mbPerSecond(bigBytes, sftpBig)} MB/s), ${cpu('sftpBig')}`,
  )
  console.log(
    `  SftpSource:           ${oursBig.toFixed(2)} s (${mbPerSecond(bigBytes, oursBig)} MB/s), ${cpu('oursBig')}`,
  )
  console.log(`${smallCount} × ${smallKb} KB:`)
  console.log(
    `  sftp -b get -r:       ${sftpSmall.toFixed(2)} s (${mbPerSecond(smallBytes, sftpSmall)} MB/s), ${cpu('sftpSmall')}`,
  )
  if (rsyncSmall !== undefined) {
    console.log(
      `  rsync -e ssh:         ${rsyncSmall.toFixed(2)} s (${mbPerSecond(smallBytes, rsyncSmall)} MB/s), ${cpu('rsyncSmall')}`,
    )
  }
  console.log(
    `  SftpSource, ${filesInFlight} files: ${oursSmall.toFixed(2)} s (${mbPerSecond(smallBytes, oursSmall)} MB/s), ${cpu('oursSmall')}`,
  )
  printRatio('large file: SftpSource throughput / sftp -b', sftpBig / oursBig, '>= 1.0')
  printRatio('small files: SftpSource throughput / sequential sftp -b', sftpSmall / oursSmall, '>= 2.0')
  if (rsyncSmall !== undefined)
    printRatio('small files: SftpSource throughput / rsync -e ssh', rsyncSmall / oursSmall, 'none')
} finally {
  await server.dispose()
}
