import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

/**
 * A card that fails under a backup as real ones do: `failingFs.py`, a FUSE pass-through of a folder that
 * answers EIO to reads in the middle of chosen files, or behaves as pulled out after some bytes were read.
 * And a drive that lies about what it stored: `lyingDriveFs.py`.
 */
export interface FailingCard {
  mountPoint: string
  /** Unmounts and stops the FUSE process; safe to call twice. */
  unmount(): Promise<void>
}

const script = fileURLToPath(new URL('./failingFs.py', import.meta.url))
const lyingScript = fileURLToPath(new URL('./lyingDriveFs.py', import.meta.url))
const PYTHON = '/usr/bin/python3'

/** Fails with a message naming what is missing, never skips: these tests run where `npm run check` runs. */
export function assertFailingCardPossible(): void {
  const problems: string[] = []
  if (process.getuid?.() !== 0) problems.push('root (to mount through FUSE)')
  if (!fs.existsSync('/dev/fuse')) problems.push('/dev/fuse (FUSE in the kernel, or --device /dev/fuse)')
  if (spawnSync(PYTHON, ['-c', 'import fusepy']).status !== 0)
    problems.push(`${PYTHON} with the fusepy module (Debian: python3-fusepy)`)
  if (spawnSync('sh', ['-c', 'command -v fusermount']).status !== 0)
    problems.push('fusermount (Debian: fuse)')
  if (problems.length > 0)
    throw new Error(
      `This test mounts a failing card through FUSE and needs: ${problems.join('; ')}. Run scripts/setup-system.sh as root.`,
    )
}

const isMounted = (mountPoint: string): boolean =>
  fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === mountPoint)

export async function mountFailingCard(
  folder: string,
  mountPoint: string,
  options: { failReads?: string[]; removeAfterBytes?: number } = {},
): Promise<FailingCard> {
  const args: string[] = []
  for (const file of options.failReads ?? []) args.push('--fail-read', file)
  if (options.removeAfterBytes !== undefined) args.push('--remove-after', String(options.removeAfterBytes))
  return mountFusePassThrough(script, args, folder, mountPoint)
}

/**
 * A drive that keeps what is written but answers reads of files whose path contains one of `corrupt`
 * altered, and listings of folders whose path contains one of `failList` with EIO.
 */
export async function mountLyingDrive(
  folder: string,
  mountPoint: string,
  corrupt: string[],
  failList: string[] = [],
): Promise<FailingCard> {
  const args = [
    ...corrupt.flatMap((part) => ['--corrupt', part]),
    ...failList.flatMap((part) => ['--fail-list', part]),
  ]
  return mountFusePassThrough(lyingScript, args, folder, mountPoint)
}

/** Mounts a folder through one of the FUSE pass-through scripts here, waiting until it is mounted. */
async function mountFusePassThrough(
  fuseScript: string,
  scriptArgs: string[],
  folder: string,
  mountPoint: string,
): Promise<FailingCard> {
  assertFailingCardPossible()
  await fsp.mkdir(mountPoint, { recursive: true })
  const child: ChildProcess = spawn(PYTHON, [fuseScript, ...scriptArgs, folder, mountPoint], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const unmount = async () => {
    if (isMounted(mountPoint)) {
      if (spawnSync('fusermount', ['-u', mountPoint]).status !== 0)
        spawnSync('fusermount', ['-u', '-z', mountPoint])
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  // Mounting takes the Python process a moment; give up after 10 s with what it said.
  const deadline = Date.now() + 10_000
  while (!isMounted(mountPoint)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await unmount()
      throw new Error(`${fuseScript} did not mount ${mountPoint}: ${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { mountPoint, unmount }
}
