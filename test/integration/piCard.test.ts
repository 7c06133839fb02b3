import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { readManifest } from '../../src/core/storage/manifest.js'
import { filesUnder } from '../support/filesUnder.js'
import { attachLoopDrive, type LoopDrive } from '../support/loopDrive.js'

/**
 * A box's SD card as a Linux laptop mounts it: the Raspberry Pi system's ext4 `rootfs`, here a real ext4
 * image on a loop device, with mkfs's root-only `lost+found`, the system's folders, the box's software and
 * the box's folder deep inside. The user names the mount, as the file manager shows it.
 */

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })

let dir: string
let rootfs: LoopDrive
let boxFolder: string
let boxFiles: string[]

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'picard-'))
  rootfs = await attachLoopDrive(dir, 48)
  const mount = rootfs.mountPoint
  for (const [file, body] of Object.entries({
    'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    'usr/bin/python3': 'not really python\n',
    'home/pi/.bashrc': '# shell\n',
  })) {
    await fsp.mkdir(path.dirname(path.join(mount, file)), { recursive: true })
    await fsp.writeFile(path.join(mount, file), body)
  }
  boxFolder = path.join(mount, 'home/pi/CreatureBox')
  await writeCardFixture(boxFolder, { nights: 2, perNight: 5, photoKb: 30, odd: false })
  boxFiles = (await filesUnder(boxFolder)).map((name) => name.split(path.sep).join('/'))
  // The box's software and its own on-box copy sit beside what it recorded: neither is this card's data.
  await fsp.writeFile(path.join(boxFolder, 'TakePhoto.py'), 'print("click")\n')
  await fsp.mkdir(path.join(boxFolder, 'photos_backedup'))
  await fsp.writeFile(path.join(boxFolder, 'photos_backedup', 'old.jpg'), 'old')
})
afterAll(async () => {
  rootfs?.detach()
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('a Raspberry Pi card mounted as rootfs', () => {
  it('is narrowed to the CreatureBox folder: stats and backup say so and carry only photos, settings and logs', async () => {
    expect((await fsp.stat(path.join(rootfs.mountPoint, 'lost+found'))).mode & 0o777).toBe(0o700)
    const stats = run('stats', rootfs.mountPoint, '--json')
    expect(stats.status).toBe(0)
    expect(stats.stderr).toContain(`using the CreatureBox folder ${boxFolder}`)
    expect(JSON.parse(stats.stdout).photos.count).toBe(
      boxFiles.filter((name) => name.endsWith('.jpg')).length,
    )

    const drive = path.join(dir, 'BACKUP')
    await fsp.mkdir(drive)
    const backup = run('backup', rootfs.mountPoint, '--to', drive, '--json')
    expect(backup.stderr).toContain(`using the CreatureBox folder ${boxFolder}`)
    expect(backup.status).toBe(0)
    const cardFolder = JSON.parse(backup.stdout).destinations[0].cardFolder as string
    const copied = (await filesUnder(cardFolder)).filter((name) => name !== 'creaturebox-manifest.jsonl')
    expect(copied.map((name) => name.split(path.sep).join('/')).sort()).toEqual([...boxFiles].sort())
    expect(copied).toEqual(
      expect.arrayContaining(['camera_settings.csv', 'schedule_settings.csv', 'controls.txt']),
    )
    expect(copied.some((name) => name.startsWith('logs'))).toBe(true)
    expect([...(await readManifest(cardFolder)).keys()].sort()).toEqual([...boxFiles].sort())

    // Cleanup and organize plan on the box's photos only: nothing of the system or the box's software.
    const cleanup = run(
      'cleanup',
      rootfs.mountPoint,
      '--keep-days',
      '1',
      '--require-backup',
      drive,
      '--dry-run',
      '--json',
    )
    expect(cleanup.status).toBe(0)
    const toDelete = (JSON.parse(cleanup.stdout).toDelete as { path: string }[]).map((item) => item.path)
    expect(toDelete.sort()).toEqual(boxFiles.filter((name) => name.endsWith('.jpg')).sort())
    const organize = run('organize', rootfs.mountPoint, '--by', 'date', '--dry-run', '--json')
    expect(organize.status).toBe(0)
    for (const move of JSON.parse(organize.stdout).moves as { from: string; to: string }[]) {
      expect(move.from).toMatch(/^photos\//)
      expect(move.to).toMatch(/^photos\//)
    }
  })

  it('holding two boxes, names both and asks for one; each box folder is then its own card', async () => {
    const mothbox = path.join(rootfs.mountPoint, 'home/pi/Desktop/Mothbox')
    await writeCardFixture(mothbox, { nights: 1, perNight: 3, photoKb: 20, odd: false, device: 'boldMoth' })
    await fsp.writeFile(path.join(mothbox, 'Backup_Files.py'), 'print("copy")\n')
    try {
      const refused = run('backup', rootfs.mountPoint, '--to', path.join(dir, 'BACKUP'))
      expect(refused.status).toBe(1)
      expect(refused.stderr).toContain('holds the folders of 2 boxes')
      expect(refused.stderr).toContain(boxFolder)
      expect(refused.stderr).toContain(mothbox)

      const drive = path.join(dir, 'BACKUP2')
      await fsp.mkdir(drive)
      const one = run('backup', mothbox, '--to', drive, '--json')
      expect(one.stderr).toContain(`using the Mothbox folder ${mothbox}`)
      expect(one.status).toBe(0)
      const copied = await filesUnder(JSON.parse(one.stdout).destinations[0].cardFolder)
      expect(copied.some((name) => name.includes('Backup_Files.py'))).toBe(false)
      expect(copied.filter((name) => name.endsWith('.jpg'))).toHaveLength(3)
    } finally {
      await fsp.rm(mothbox, { recursive: true, force: true })
    }
  })

  it('with no box folder is refused with where it looked, not walked as a whole system', async () => {
    const bare = path.join(dir, 'bare-rootfs')
    for (const folder of ['etc', 'usr', 'home/pi'])
      await fsp.mkdir(path.join(bare, folder), { recursive: true })
    const result = run('stats', bare)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(
      'is a Raspberry Pi system card, but it holds no CreatureBox or Mothbox photos folder',
    )
  })
})
