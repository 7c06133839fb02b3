import fsp from 'node:fs/promises'
import path from 'node:path'
import { EventEmitter } from 'node:events'
import type { Drive } from '../../shared/storage.js'
import { isPhotoFile, parsePhotoName } from '../../shared/photoName.js'
import { isSystemDrive } from '../../shared/driveConstraints.js'
import { freeSpaceOf } from './backupDestinations.js'
import { fileSystemTypeOf } from './fileSystemType.js'
import { listSimulatedDrives } from './simulatedDrives.js'

/** The subset of drivelist's record we read; declared here so tests can describe drives that cannot be plugged in. */
export interface RawDrive {
  device: string
  description: string
  size: number | null
  mountpoints: { path: string; label?: string | null }[]
  isSystem: boolean
  isRemovable: boolean
  isReadOnly: boolean
  isVirtual: boolean
}

export type ListRawDrives = () => Promise<RawDrive[]>

/** The disks drivelist finds (each with the mount points of its partitions), and the simulated test drives. */
export const listWithDrivelist: ListRawDrives = async () => {
  // Loaded lazily: a native module, needed only when drives are actually listed.
  const drivelist = await import('drivelist')
  const simulated = await listSimulatedDrives()
  return [...((await drivelist.list()) as RawDrive[]), ...simulated]
}

/**
 * Where photos live on a card, relative to its mount point: a CreatureBox Pi card's root file system, a
 * Mothbox card, a card the box copied to, or a plain folder of photos (docs/field-notes.md).
 */
export const PHOTO_FOLDER_CANDIDATES = [
  'home/pi/CreatureBox/photos',
  'opt/creaturebox/photos',
  'home/pi/Desktop/Mothbox/photos',
  'CreatureBox/photos',
  'photos',
  '',
]

/** The first candidate folder on a mount point that holds Mothbox-named photos, directly or in date folders. */
export async function findPhotoRoot(mountpoint: string): Promise<string | undefined> {
  for (const candidate of PHOTO_FOLDER_CANDIDATES) {
    const folder = path.join(mountpoint, candidate)
    if (await holdsMothboxPhotos(folder)) return folder
  }
  return undefined
}

async function holdsMothboxPhotos(folder: string, depth = 0): Promise<boolean> {
  let names: string[]
  try {
    names = (await fsp.readdir(folder, { withFileTypes: true })).map((entry) =>
      entry.isDirectory() ? `${entry.name}/` : entry.name,
    )
  } catch {
    return false
  }
  if (names.some((name) => isPhotoFile(name) && parsePhotoName(name) !== undefined)) return true
  if (depth > 0) return false
  // Date folders (YYYY-MM-DD): look into a few of them only, a card can hold hundreds.
  const dateFolders = names.filter((name) => /^\d{4}-\d{2}-\d{2}\/$/.test(name)).slice(0, 3)
  for (const dateFolder of dateFolders) {
    if (await holdsMothboxPhotos(path.join(folder, dateFolder), depth + 1)) return true
  }
  return false
}

export async function listDrives(listRaw: ListRawDrives = listWithDrivelist): Promise<Drive[]> {
  const raw = await listRaw()
  return Promise.all(raw.map(toDrive))
}

async function toDrive(raw: RawDrive): Promise<Drive> {
  const mountpoints = raw.mountpoints.map((mount) => ({ path: mount.path, label: mount.label ?? null }))
  // Drives that are neither removable nor virtual are the laptop's own (the drivelist rule on Linux).
  const isSystem = isSystemDrive({
    isSystem: raw.isSystem || (!raw.isRemovable && !raw.isVirtual),
    mountpoints,
  })
  const isCreatureBoxCard =
    !isSystem && (await Promise.all(mountpoints.map((m) => findPhotoRoot(m.path)))).some(Boolean)
  return {
    device: raw.device,
    description: raw.description,
    size: raw.size,
    // What picking a backup drive needs to see up front; the system drive is never offered, so not measured.
    mountpoints: isSystem ? mountpoints : await Promise.all(mountpoints.map(measureMount)),
    isSystem,
    isRemovable: raw.isRemovable,
    isReadOnly: raw.isReadOnly,
    isCreatureBoxCard,
  }
}

/** Free space and file system of a mount; a mount that cannot be asked (unplugged meanwhile) has neither. */
async function measureMount(mount: Drive['mountpoints'][number]): Promise<Drive['mountpoints'][number]> {
  const [freeBytes, fileSystem] = await Promise.all([
    freeSpaceOf(mount.path).catch(() => undefined),
    fileSystemTypeOf(mount.path).catch(() => undefined),
  ])
  return {
    ...mount,
    ...(freeBytes === undefined ? {} : { freeBytes }),
    ...(fileSystem ? { fileSystem: fileSystem.name } : {}),
  }
}

/** A stable text of what matters about the drive set, to tell a real change from a repeat. */
const driveSetKey = (drives: Drive[]): string =>
  JSON.stringify(
    drives
      .map((d) => [d.device, d.mountpoints.map((m) => m.path).sort(), d.isCreatureBoxCard])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  )

/**
 * Reports plugged and unplugged drives. drivelist has no events, and mount points can be empty for a moment
 * after plugging in, so it polls about once a second and emits `change` only when the set differs.
 */
export class DriveWatcher extends EventEmitter<{ change: [Drive[]]; error: [unknown] }> {
  private timer: NodeJS.Timeout | undefined
  private lastKey: string | undefined
  private polling = false

  constructor(private readonly options: { intervalMs?: number; listRaw?: ListRawDrives } = {}) {
    super()
  }

  start(): void {
    if (this.timer) return
    void this.poll()
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs ?? 1000)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  async poll(): Promise<void> {
    if (this.polling) return
    this.polling = true
    try {
      const drives = await listDrives(this.options.listRaw)
      const key = driveSetKey(drives)
      if (key !== this.lastKey) {
        this.lastKey = key
        this.emit('change', drives)
      }
    } catch (error) {
      this.emit('error', error)
    } finally {
      this.polling = false
    }
  }
}
