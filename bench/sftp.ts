// SFTP read throughput over loopback against the same OpenSSH sshd, in one run (npm run bench, after run.ts):
// one large file vs `sftp -b`, many photo-sized files vs `sftp -b` `get -r` and `rsync -e ssh`.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { SftpSource } from '../src/core/sources/sftpSource.js'
import { startSshServer } from '../test/support/sshServer.js'
import { mbPerSecond, printRatio, timeCommand } from './measure.js'

const bigMb = Number(process.env['BENCH_SFTP_MB'] ?? 1024)
const smallCount = Number(process.env['BENCH_SFTP_FILES'] ?? 2000)
const smallKb = 300
const filesInFlight = 8

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
          await pipeline(
            source.createReadStream(name),
            fs.createWriteStream(path.join(dest, path.basename(name))),
          )
        }
      }),
    )
    return Number(process.hrtime.bigint() - started) / 1e9
  }

  await fsp.mkdir(out('sftp-big'), { recursive: true })
  const sftpBig = sftpBatch('sftp get big', `get ${box}/big.bin ${out('sftp-big')}/\n`)
  const oursBig = await copyWithSource(['big.bin'], out('ours-big'))
  await fsp.rm(path.join(server.dir, 'out'), { recursive: true, force: true })

  const names = (await fsp.readdir(path.join(box, 'small'))).map((name) => `small/${name}`)
  await fsp.mkdir(out('sftp-small'), { recursive: true })
  const sftpSmall = sftpBatch('sftp get -r', `get -r ${box}/small ${out('sftp-small')}/\n`)
  const oursSmall = await copyWithSource(names, out('ours-small'))
  await source.close()
  const hasRsync = spawnSync('rsync', ['--version']).status === 0
  const rsyncSmall = hasRsync
    ? timeCommand('rsync -e ssh', 'rsync', [
        '-a',
        '-e',
        `ssh ${ssh.join(' ')} -p ${server.port}`,
        `${server.user}@${server.host}:${box}/small/`,
        `${out('rsync-small')}/`,
      ])
    : undefined

  console.log(`large file (${bigMb} MB):`)
  console.log(`  sftp -b get:          ${sftpBig.toFixed(2)} s (${mbPerSecond(bigBytes, sftpBig)} MB/s)`)
  console.log(`  SftpSource stream:    ${oursBig.toFixed(2)} s (${mbPerSecond(bigBytes, oursBig)} MB/s)`)
  console.log(`${smallCount} × ${smallKb} KB:`)
  console.log(
    `  sftp -b get -r:       ${sftpSmall.toFixed(2)} s (${mbPerSecond(smallBytes, sftpSmall)} MB/s)`,
  )
  if (rsyncSmall !== undefined) {
    console.log(
      `  rsync -e ssh:         ${rsyncSmall.toFixed(2)} s (${mbPerSecond(smallBytes, rsyncSmall)} MB/s)`,
    )
  }
  console.log(
    `  SftpSource, ${filesInFlight} files: ${oursSmall.toFixed(2)} s (${mbPerSecond(smallBytes, oursSmall)} MB/s)`,
  )
  printRatio('large file: SftpSource throughput / sftp -b', sftpBig / oursBig, '>= 1.0')
  printRatio('small files: SftpSource throughput / sequential sftp -b', sftpSmall / oursSmall, '>= 2.0')
  if (rsyncSmall !== undefined)
    printRatio('small files: SftpSource throughput / rsync -e ssh', rsyncSmall / oursSmall, 'none')
} finally {
  await server.dispose()
}
