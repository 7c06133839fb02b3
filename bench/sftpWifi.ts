// A box over field Wi-Fi (npm run bench): the test sshd reached through bench/wifiProxy.ts, which adds a 5 ms
// one-way delay and paces each direction to 40 Mbit/s (BENCH_WIFI_DELAY_MS, BENCH_WIFI_MBIT). In one run it
// times `creaturebox backup sftp://…` (the CLI bundle as a new process: connect, list, copy, fsync, verify
// from the drive) against OpenSSH's `sftp -b` with `get -r` and `rsync -a -e ssh`, each followed by
// `sync -f` of its output, for camera-sized photos (BENCH_WIFI_PHOTOS, 20 of 2–5 MB) and for many small files
// (BENCH_WIFI_SMALL_FILES, 200 of BENCH_WIFI_SMALL_KB, 30 KB). Each figure is the median of BENCH_RUNS runs
// (default 3), the tools taking turns in an order that rotates from run to run. Figures are printed, never
// asserted. The proxy runs in this process, so every tool is run asynchronously.
import { spawn, spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSshServer } from '../test/support/sshServer.js'
import { median } from './measure.js'
import { startWifiProxy } from './wifiProxy.js'

const photoCount = Number(process.env['BENCH_WIFI_PHOTOS'] ?? 20)
const smallCount = Number(process.env['BENCH_WIFI_SMALL_FILES'] ?? 200)
const smallKb = Number(process.env['BENCH_WIFI_SMALL_KB'] ?? 30)
const delayMs = Number(process.env['BENCH_WIFI_DELAY_MS'] ?? 5)
const mbit = Number(process.env['BENCH_WIFI_MBIT'] ?? 40)
const runs = Number(process.env['BENCH_RUNS'] ?? 3)
const cli = fileURLToPath(new URL('../out/cli/creaturebox.mjs', import.meta.url))

/** Runs a command to completion without blocking this process's event loop (the proxy lives in it). */
function timed(command: string, args: string[], env?: NodeJS.ProcessEnv) {
  return new Promise<{ seconds: number; stdout: string }>((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      if (code === 0) resolve({ seconds, stdout })
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))
    })
  })
}

/** A box's folder of Mothbox photos (random bytes: incompressible, as JPEGs are), one night. */
async function writeBox(root: string, count: number, sizeOf: (index: number) => number): Promise<number> {
  const night = path.join(root, 'photos', '2026-11-20')
  await fsp.mkdir(night, { recursive: true })
  let bytes = 0
  for (let i = 0; i < count; i++) {
    const taken = new Date(Date.UTC(2026, 10, 20, 21, 0, 0) + i * 60_000)
    const stamp = taken.toISOString().slice(0, 19).replace(/-/g, '_').replace('T', '__').replace(/:/g, '_')
    const size = sizeOf(i)
    // A cheap pseudo-random fill: incompressible enough for a link without compression, fast to write.
    const data = Buffer.allocUnsafe(size)
    for (let offset = 0, seed = i + 1; offset + 4 <= size; offset += 4) {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
      data.writeUInt32LE(seed, offset)
    }
    await fsp.writeFile(path.join(night, `adeptTurca_${stamp}_HDR0.jpg`), data)
    bytes += size
  }
  return bytes
}

async function filesUnder(folder: string): Promise<number> {
  const entries = await fsp.readdir(folder, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.jpg')).length
}

if (spawnSync('sh', ['-c', 'command -v sftp && command -v rsync && command -v ssh']).status !== 0) {
  console.log('SFTP over field Wi-Fi: SKIPPED: needs OpenSSH sftp, ssh and rsync (scripts/setup-system.sh)')
} else {
  spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url))], {
    stdio: 'inherit',
  })
  await main()
}

async function main(): Promise<void> {
  const server = await startSshServer()
  const proxy = await startWifiProxy(
    { host: server.host, port: server.port },
    { delayMs, bitsPerSecond: mbit * 1e6 },
  )
  try {
    const work = await fsp.mkdtemp(path.join(server.dir, 'wifi-'))
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(work, 'config') }
    // Camera-sized photos between 2 and 5 MB, the same sizes every run.
    const photoBytes = await writeBox(
      path.join(work, 'box-photos'),
      photoCount,
      (i) => 2_000_000 + ((i * 7919) % 3001) * 1000,
    )
    const smallBytes = await writeBox(path.join(work, 'box-small'), smallCount, () => smallKb * 1000)
    const knownHosts = path.join(work, 'known_hosts')
    const ssh = [
      '-i',
      server.clientKey,
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
    ]
    const login = `${server.user}@${proxy.host}`

    const tools = {
      creaturebox: async (box: string, out: string) => {
        const result = await timed(
          process.execPath,
          [
            cli,
            'backup',
            `sftp://${login}:${proxy.port}${box}`,
            '--to',
            out,
            '--identity',
            server.clientKey,
            '--known-hosts',
            knownHosts,
            '--accept-new-host-key',
            '--json',
          ],
          env,
        )
        const report = JSON.parse(result.stdout) as { destinations: { copied: number }[] }
        return { seconds: result.seconds, copied: report.destinations[0]?.copied ?? 0 }
      },
      'sftp -b': async (box: string, out: string) => {
        const batch = path.join(work, 'get.batch')
        await fsp.writeFile(batch, `get -r ${box} ${out}/\n`)
        const args = [...ssh, '-q', '-P', String(proxy.port), '-b', batch, login]
        return { seconds: (await timed('sftp', args)).seconds }
      },
      rsync: async (box: string, out: string) => {
        const args = ['-a', '-e', `ssh ${ssh.join(' ')} -p ${proxy.port}`, `${login}:${box}/`, `${out}/`]
        return { seconds: (await timed('rsync', args)).seconds }
      },
    }
    type Tool = keyof typeof tools
    const names = Object.keys(tools) as Tool[]
    const sets = [
      { key: 'photos', box: path.join(work, 'box-photos'), count: photoCount, bytes: photoBytes },
      { key: 'small', box: path.join(work, 'box-small'), count: smallCount, bytes: smallBytes },
    ]
    const seconds: Record<string, number[]> = {}
    for (let run = 0; run < runs; run++) {
      for (const set of sets) {
        for (let turn = 0; turn < names.length; turn++) {
          const tool = names[(turn + run) % names.length] as Tool
          const out = path.join(work, 'out', tool.replace(/\W/g, ''))
          await fsp.rm(out, { recursive: true, force: true })
          await fsp.mkdir(out, { recursive: true })
          spawnSync('sync')
          const result = await tools[tool](set.box, out)
          // A copy counts once it is on the drive; the backup fsyncs each file itself.
          const synced = await timed('sync', ['-f', out])
          const found = await filesUnder(out)
          if (found !== set.count) throw new Error(`${tool} left ${found} of ${set.count} files`)
          ;(seconds[`${set.key} ${tool}`] ??= []).push(result.seconds + synced.seconds)
          if (tool === 'creaturebox') {
            // Not a comparison: the same backup again, with nothing left to copy. What a run costs beyond
            // the transfer: the CLI's start, the SSH login over the link, listing the box and the drive.
            const again = await tools.creaturebox(set.box, out)
            if (again.copied !== 0) throw new Error(`the no-op backup copied ${again.copied} files`)
            ;(seconds[`${set.key} no-op`] ??= []).push(again.seconds)
          }
        }
      }
    }

    const load = os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')
    console.log(
      `SFTP over field Wi-Fi: ${delayMs} ms one way, ${mbit} Mbit/s each direction (a proxy on loopback), ` +
        `the test sshd; medians of ${runs} runs; load average ${load}`,
    )
    for (const set of sets) {
      const linkAlone = set.bytes / ((mbit * 1e6) / 8)
      console.log(
        `${set.count} files, ${(set.bytes / 1e6).toFixed(1)} MB (the link alone: ${linkAlone.toFixed(2)} s):`,
      )
      const of = (tool: Tool) => median(seconds[`${set.key} ${tool}`] ?? [])
      for (const tool of names) {
        const time = of(tool)
        console.log(
          `  ${tool.padEnd(12)} ${time.toFixed(2).padStart(6)} s (${(set.bytes / 1e6 / time).toFixed(2)} MB/s)`,
        )
      }
      const noop = median(seconds[`${set.key} no-op`] ?? [])
      console.log(`  creaturebox again, nothing to copy (diagnostic): ${noop.toFixed(2)} s`)
      for (const reference of ['sftp -b', 'rsync'] as const) {
        console.log(
          `ratio wifi ${set.key}: creaturebox throughput / ${reference}: ${(of(reference) / of('creaturebox')).toFixed(2)}`,
        )
      }
    }
  } finally {
    await proxy.close()
    await server.dispose()
  }
}
