import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'

/**
 * Real FAT32 and exFAT drives for tests, mounted the way a laptop without the kernel's vfat/exfat drivers
 * mounts them: through FUSE (`fusefat` for a FAT32 image, `exfat-fuse` on a loop device for exFAT). Each
 * is an image file in the caller's temp folder; `unmount` must run in a `finally`/`afterAll`.
 */
export interface FuseDrive {
  image: string
  mountPoint: string
  /** Unmounts (and detaches the loop device); safe to call twice. */
  unmount(): void
}

const TOOLS: Record<string, string> = {
  'mkfs.vfat': 'dosfstools',
  fusefat: 'fusefat',
  'mkfs.exfat': 'exfatprogs',
  'mount.exfat-fuse': 'exfat-fuse',
  losetup: 'util-linux',
  fusermount: 'fuse',
}

/** Fails with a message naming what is missing, never skips: these tests run where `npm run check` runs. */
export function assertFuseDrivesPossible(): void {
  const problems: string[] = []
  if (process.getuid?.() !== 0) problems.push('root (to attach loop devices and mount)')
  if (!fs.existsSync('/dev/fuse')) problems.push('/dev/fuse (FUSE in the kernel, or --device /dev/fuse)')
  const missing = Object.entries(TOOLS).filter(([tool]) => !onPath(tool))
  if (missing.length > 0)
    problems.push(`${missing.map(([tool, pkg]) => `${tool} (Debian: ${pkg})`).join(', ')}`)
  if (problems.length > 0)
    throw new Error(
      `This test mounts FAT32/exFAT images through FUSE and needs: ${problems.join('; ')}. Run scripts/setup-system.sh as root.`,
    )
}

const onPath = (tool: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool} || test -x /sbin/${tool}`])
    .status === 0

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message || ''}`)
  return result.stdout
}

async function makeImage(
  dir: string,
  name: string,
  sizeMiB: number,
): Promise<{ image: string; mountPoint: string }> {
  const image = path.join(dir, `${name}.img`)
  const mountPoint = path.join(dir, name)
  await fsp.mkdir(mountPoint, { recursive: true })
  const handle = await fsp.open(image, 'w')
  await handle.truncate(sizeMiB * 1024 * 1024)
  await handle.close()
  return { image, mountPoint }
}

const isMounted = (mountPoint: string): boolean =>
  fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === mountPoint)

function unmounter(mountPoint: string, device?: string): () => void {
  let done = false
  return () => {
    if (done) return
    done = true
    if (isMounted(mountPoint)) {
      // A FUSE daemon can still be busy for a moment: a lazy unmount never leaves the test hanging.
      if (spawnSync('fusermount', ['-u', mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint])
    }
    if (device) spawnSync('losetup', ['-d', device])
  }
}

/** A FAT32 image mounted read-write with fusefat. */
export async function mountFat32(dir: string, name = 'FAT32', sizeMiB = 64): Promise<FuseDrive> {
  assertFuseDrivesPossible()
  const { image, mountPoint } = await makeImage(dir, name, sizeMiB)
  run('mkfs.vfat', ['-F', '32', '-n', name.slice(0, 11).toUpperCase(), image])
  const unmount = unmounter(mountPoint)
  try {
    run('fusefat', ['-o', 'rw+', image, mountPoint])
  } catch (error) {
    unmount()
    throw error
  }
  return { image, mountPoint, unmount }
}

/** An exFAT image on a loop device, mounted with exfat-fuse. */
export async function mountExfat(dir: string, name = 'EXFAT', sizeMiB = 64): Promise<FuseDrive> {
  assertFuseDrivesPossible()
  const { image, mountPoint } = await makeImage(dir, name, sizeMiB)
  run('mkfs.exfat', ['-L', name.slice(0, 11), image])
  const device = run('losetup', ['--find', '--show', image]).trim()
  const unmount = unmounter(mountPoint, device)
  try {
    run('mount.exfat-fuse', [device, mountPoint])
  } catch (error) {
    unmount()
    throw error
  }
  return { image, mountPoint, unmount }
}
