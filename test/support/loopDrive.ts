import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import path from 'node:path'

/**
 * A real ext4 drive for tests: a file formatted as ext4, attached to a loop device and mounted. Its image
 * file is the drive's medium, so a test can change what the "drive" holds underneath the filesystem and its
 * page cache, as a failing USB stick does.
 */
export interface LoopDrive {
  image: string
  device: string
  mountPoint: string
  /** Where a file's first byte lies in the image (from `filefrag`). */
  offsetInImage(file: string): number
  /** Unmounts, detaches and leaves the image for the caller's temp folder to remove; safe to call twice. */
  detach(): void
}

const TOOLS = ['mkfs.ext4', 'losetup', 'mount', 'umount', 'filefrag']

/** Fails with a message naming what is missing, never skips: the test must run where `npm run check` runs. */
export function assertLoopDrivesPossible(): void {
  if (process.getuid?.() !== 0)
    throw new Error('This test mounts an ext4 image on a loop device and must run as root')
  const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
  if (missing.length > 0)
    throw new Error(`This test needs ${missing.join(', ')} (Debian: e2fsprogs, util-linux, mount)`)
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message || ''}`)
  return result.stdout
}

export async function attachLoopDrive(dir: string, sizeMiB = 48): Promise<LoopDrive> {
  assertLoopDrivesPossible()
  const image = path.join(dir, 'drive.img')
  const mountPoint = path.join(dir, 'DRIVE')
  await fsp.mkdir(mountPoint)
  const handle = await fsp.open(image, 'w')
  await handle.truncate(sizeMiB * 1024 * 1024)
  await handle.close()
  run('mkfs.ext4', ['-q', '-F', '-b', '4096', '-L', 'BACKUP', image])
  const device = run('losetup', ['--find', '--show', image]).trim()
  let mounted = false
  let attached = true
  const detach = () => {
    if (mounted) spawnSync('umount', [mountPoint])
    mounted = false
    if (attached) spawnSync('losetup', ['-d', device])
    attached = false
  }
  try {
    run('mount', ['-t', 'ext4', device, mountPoint])
    mounted = true
  } catch (error) {
    detach()
    throw error
  }
  return {
    image,
    device,
    mountPoint,
    detach,
    offsetInImage(file) {
      const report = run('filefrag', ['-v', file])
      const blockSize = Number(/blocks? of (\d+) bytes/.exec(report)?.[1])
      const firstPhysical = Number(/^\s*0:\s+\d+\.\.\s*\d+:\s+(\d+)\.\./m.exec(report)?.[1])
      if (!blockSize || !Number.isFinite(firstPhysical))
        throw new Error(`Cannot read filefrag's report:\n${report}`)
      return firstPhysical * blockSize
    },
  }
}
