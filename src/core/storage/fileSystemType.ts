import { execFile } from 'node:child_process'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

/**
 * What file system a folder lives on, asked of the mount rather than guessed from a name: the kernel's
 * statfs magic number, and for a FUSE mount (FAT and exFAT on systems without the kernel drivers, NTFS
 * through ntfs-3g) the mount table's type, or for a `fuseblk` mount the device's own signature (blkid).
 * docs/file-systems.md says what each kind means for a backup.
 */
export type FileSystemKind = 'fat' | 'exfat' | 'ntfs' | 'ext' | 'other'

export interface FileSystemType {
  kind: FileSystemKind
  /** As the mount or the device named it (`vfat`, `fuse.fusefat`, `exfat`, `ext4`…), for messages. */
  name: string
}

/** statfs f_type values of the kernel's own drivers (linux/magic.h). */
const MAGIC: Record<number, FileSystemType> = {
  0x4d44: { kind: 'fat', name: 'vfat' },
  0x2011bab0: { kind: 'exfat', name: 'exfat' },
  0x5346544e: { kind: 'ntfs', name: 'ntfs' },
  0x7366746e: { kind: 'ntfs', name: 'ntfs3' },
  0xef53: { kind: 'ext', name: 'ext4' },
}
const FUSE_MAGIC = 0x65735546

const execFileAsync = promisify(execFile)

export async function fileSystemTypeOf(folder: string): Promise<FileSystemType> {
  const stats = await fsp.statfs(folder)
  const known = MAGIC[Number(stats.type)]
  if (known) return known
  if (Number(stats.type) !== FUSE_MAGIC)
    return { kind: 'other', name: `0x${Number(stats.type).toString(16)}` }
  const mount = await mountOf(folder)
  if (!mount) return { kind: 'other', name: 'fuse' }
  // fusefat, fuse.exfat, fuse.ntfs-3g…: the subtype names the driver.
  const byDriver = kindOfName(mount.type.replace(/^fuse\./, ''))
  if (byDriver !== 'other') return { kind: byDriver, name: mount.type }
  if (mount.type === 'fuseblk' && mount.source.startsWith('/dev/')) {
    const signature = await blockDeviceType(mount.source)
    if (signature) return { kind: kindOfName(signature), name: `${mount.type} (${signature})` }
  }
  return { kind: 'other', name: mount.type }
}

function kindOfName(name: string): FileSystemKind {
  const lower = name.toLowerCase()
  if (/^(v?fat|msdos|fusefat|fat(12|16|32))$/.test(lower)) return 'fat'
  if (/^exfat/.test(lower)) return 'exfat'
  if (/^ntfs/.test(lower)) return 'ntfs'
  if (/^ext[234]$/.test(lower)) return 'ext'
  return 'other'
}

/** The innermost mount holding `folder`, from the kernel's mount table (Linux only). */
async function mountOf(folder: string): Promise<{ type: string; source: string } | undefined> {
  let table: string
  try {
    table = await fsp.readFile('/proc/self/mountinfo', 'utf8')
  } catch {
    return undefined
  }
  const real = await fsp.realpath(folder)
  let best: { point: string; type: string; source: string } | undefined
  for (const line of table.split('\n')) {
    // id parent major:minor root mountpoint options [optional…] - type source superoptions
    const [left, right] = line.split(' - ')
    if (!left || !right) continue
    const point = unescapeMount(left.split(' ')[4] ?? '')
    const [type = '', source = ''] = right.split(' ')
    const inside = real === point || point === '/' || real.startsWith(point + path.sep)
    if (inside && (!best || point.length >= best.point.length)) best = { point, type, source }
  }
  return best && { type: best.type, source: unescapeMount(best.source) }
}

const unescapeMount = (text: string): string =>
  text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))

/** The device's file system signature, as blkid reads it (needs permission to read the device). */
async function blockDeviceType(device: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('blkid', ['-o', 'value', '-s', 'TYPE', device], { timeout: 5000 })
    return stdout.trim() || undefined
  } catch {
    return undefined
  }
}
