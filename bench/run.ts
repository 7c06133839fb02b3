// Backup throughput against cp -r and rsync -a on the same generated card, in one run (npm run bench).
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { flushDisks, mbPerSecond, printRatio, timeCommand } from './measure.js'

const cli = fileURLToPath(new URL('../bin/creaturebox.js', import.meta.url))
const sizeMb = Number(process.env['BENCH_CARD_MB'] ?? 2048)
const photoKb = 4000
const perNight = 100
const nights = Math.max(1, Math.round((sizeMb * 1000) / photoKb / perNight))

const dir = await fsp.mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'creaturebox-bench-'))
try {
  console.log(`Generating a ${sizeMb} MB card (${nights} nights × ${perNight} photos × ${photoKb} KB)…`)
  const card = await writeCardFixture(path.join(dir, 'CARD'), { nights, perNight, photoKb })
  const bytes = card.bytes
  const target = (name: string) => path.join(dir, name)
  for (const name of ['cp', 'rsync', 'one', 'two-a', 'two-b']) await fsp.mkdir(target(name))
  flushDisks()

  // Every run reads the card from the page cache; each is followed by sync, whose time is counted for
  // cp and rsync too, since an unsynced copy is not yet on the drive (the Companion fsyncs every file).
  const timed = (label: string, command: string, args: string[]) => {
    const run = timeCommand(label, command, args)
    const sync = timeCommand(`${label} sync`, 'sync', [])
    return { plain: run.seconds, synced: run.seconds + sync.seconds }
  }
  const cp = timed('cp -r', 'cp', ['-r', card.root, target('cp')])
  const rsync = timed('rsync -a', 'rsync', ['-a', `${card.root}/`, target('rsync')])
  const one = timed('creaturebox backup', process.execPath, [cli, 'backup', card.root, '--to', target('one')])
  const rsyncNoop = timed('rsync -a no-op', 'rsync', ['-a', `${card.root}/`, target('rsync')])
  const oneNoop = timed('creaturebox no-op', process.execPath, [
    cli,
    'backup',
    card.root,
    '--to',
    target('one'),
  ])
  const two = timed('creaturebox two drives', process.execPath, [
    cli,
    'backup',
    card.root,
    '--to',
    target('two-a'),
    '--to',
    target('two-b'),
  ])

  console.log(`card: ${(bytes / 1e6).toFixed(0)} MB, ${card.files.length} files`)
  console.log(
    `cp -r:              ${cp.plain.toFixed(2)} s (${mbPerSecond(bytes, cp.plain)} MB/s), with sync ${cp.synced.toFixed(2)} s`,
  )
  console.log(`rsync -a:           ${rsync.plain.toFixed(2)} s, with sync ${rsync.synced.toFixed(2)} s`)
  console.log(
    `creaturebox backup: ${one.synced.toFixed(2)} s (${mbPerSecond(bytes, one.synced)} MB/s, verified, fsynced)`,
  )
  console.log(`rsync -a no-op:     ${rsyncNoop.plain.toFixed(2)} s`)
  console.log(`creaturebox no-op:  ${oneNoop.plain.toFixed(2)} s`)
  console.log(`two drives:         ${two.synced.toFixed(2)} s`)
  printRatio('backup throughput / cp -r throughput (both synced)', cp.synced / one.synced, '>= 0.95')
  printRatio('backup throughput / cp -r throughput (cp unsynced)', cp.plain / one.synced, '>= 0.95')
  printRatio('backup no-op time / rsync -a no-op time', oneNoop.plain / rsyncNoop.plain, '<= 1.0')
  printRatio('two destinations time / one destination time', two.synced / one.synced, '<= 1.2')
} finally {
  await fsp.rm(dir, { recursive: true, force: true })
}
