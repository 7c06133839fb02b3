import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DriveWatcher, findPhotoRoot, listDrives, type RawDrive } from '../../../src/core/storage/drives.js'
import { mayBeBackupDestination, systemMountpoints } from '../../../src/shared/driveConstraints.js'
import type { Drive } from '../../../src/shared/storage.js'

let dir: string
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'drives-'))
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

const rawDrive = (overrides: Partial<RawDrive>): RawDrive => ({
  device: '/dev/sdz',
  description: 'USB stick',
  size: 64e9,
  mountpoints: [],
  isSystem: false,
  isRemovable: true,
  isReadOnly: false,
  isVirtual: false,
  ...overrides,
})

async function makeCard(relativeFolder: string): Promise<string> {
  const card = path.join(dir, 'card')
  const photos = path.join(card, relativeFolder, '2024-09-01')
  await fsp.mkdir(photos, { recursive: true })
  await fsp.writeFile(path.join(photos, 'adeptTurca_2024_09_01__22_10_00_HDR0.jpg'), 'x')
  return card
}

describe('drives', () => {
  it('flags the drive that holds / as system, on this very machine', async () => {
    const drives = await listDrives()
    const root = drives.find((drive) => drive.mountpoints.some((m) => m.path === '/'))
    expect(root?.isSystem).toBe(true)
    expect(root && mayBeBackupDestination(root)).toBe(false)
    expect(systemMountpoints(drives)).toContain('/')
  })

  it('gives each removable drive its free space and file system, and leaves the system drive unmeasured', async () => {
    const [removable, system] = await listDrives(async () => [
      rawDrive({ mountpoints: [{ path: dir, label: 'BACKUP' }] }),
      rawDrive({ device: '/dev/sda', isSystem: true, mountpoints: [{ path: '/' }] }),
    ])
    const [mount] = removable?.mountpoints ?? []
    expect(mount?.freeBytes).toBeGreaterThan(0)
    expect(mount?.fileSystem).toMatch(/\S/)
    expect(system?.mountpoints).toEqual([{ path: '/', label: null }])
  })

  it('lists a drive unplugged while it was measured without figures rather than failing', async () => {
    const [drive] = await listDrives(async () => [
      rawDrive({ mountpoints: [{ path: path.join(dir, 'gone'), label: 'GONE' }] }),
    ])
    expect(drive?.mountpoints).toEqual([{ path: path.join(dir, 'gone'), label: 'GONE' }])
  })

  it('treats a fixed, non-virtual disk as system even when drivelist does not', async () => {
    const [drive] = await listDrives(async () => [
      rawDrive({ isRemovable: false, mountpoints: [{ path: path.join(dir, 'data') }] }),
    ])
    expect(drive?.isSystem).toBe(true)
  })

  it('recognises a CreatureBox Pi card by the photos under its home folder', async () => {
    const card = await makeCard('home/pi/CreatureBox/photos')
    const [drive] = await listDrives(async () => [
      rawDrive({ mountpoints: [{ path: card, label: 'rootfs' }] }),
    ])
    expect(drive?.isCreatureBoxCard).toBe(true)
    expect(await findPhotoRoot(card)).toBe(path.join(card, 'home/pi/CreatureBox/photos'))
    expect(drive && mayBeBackupDestination(drive)).toBe(true)
  })

  it('does not take a drive of holiday pictures for a CreatureBox card', async () => {
    await fsp.mkdir(path.join(dir, 'stick'))
    await fsp.writeFile(path.join(dir, 'stick', 'IMG_0001.JPG'), 'x')
    const [drive] = await listDrives(async () => [
      rawDrive({ mountpoints: [{ path: path.join(dir, 'stick') }] }),
    ])
    expect(drive?.isCreatureBoxCard).toBe(false)
  })

  it('offers no unmounted or read-only drive as a backup destination', () => {
    const base: Drive = {
      device: '/dev/sdb',
      description: '',
      size: 1,
      mountpoints: [{ path: '/media/ext', label: 'EXT' }],
      isSystem: false,
      isRemovable: true,
      isReadOnly: false,
      isCreatureBoxCard: false,
    }
    expect(mayBeBackupDestination(base)).toBe(true)
    expect(mayBeBackupDestination({ ...base, mountpoints: [] })).toBe(false)
    expect(mayBeBackupDestination({ ...base, isReadOnly: true })).toBe(false)
    expect(mayBeBackupDestination({ ...base, mountpoints: [{ path: '/', label: null }] })).toBe(false)
  })

  it('reports a drive plugged in and then pulled out, once each', async () => {
    let plugged = false
    const card = await makeCard('photos')
    const watcher = new DriveWatcher({
      intervalMs: 5,
      listRaw: async () => [
        rawDrive({ device: '/dev/vda', isRemovable: false, mountpoints: [{ path: '/' }] }),
        ...(plugged ? [rawDrive({ mountpoints: [{ path: card }] })] : []),
      ],
    })
    const seen: Drive[][] = []
    const nextChange = () => new Promise<Drive[]>((resolve) => watcher.once('change', resolve))
    watcher.on('change', (drives) => seen.push(drives))
    let change = nextChange()
    watcher.start()
    expect((await change).map((d) => d.device)).toEqual(['/dev/vda'])
    change = nextChange()
    plugged = true
    const afterPlug = await change
    expect(afterPlug.find((d) => d.device === '/dev/sdz')?.isCreatureBoxCard).toBe(true)
    change = nextChange()
    plugged = false
    expect((await change).map((d) => d.device)).toEqual(['/dev/vda'])
    watcher.stop()
    expect(seen).toHaveLength(3)
  })
})
