import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { CompanionError, errnoCode } from '../errors.js'

/**
 * One backup at a time per card folder on a drive. Two runs writing the same folder would remove each
 * other's temp files and report a healthy drive as "unplugged". The lock is a file in the card folder
 * (hidden, and named like the companion's other files so no catalog or backup ever lists it) holding who
 * took it; the holder touches it while it runs.
 */
export const BACKUP_LOCK_FILE = '.creaturebox-backup.lock'

/** How often the holder touches the lock, and how long a lock may stay untouched before it is left over. */
const HEARTBEAT_MS = 10_000
const UNTOUCHED_STALE_MS = 120_000
/** How often a waiting run looks again. */
const RETRY_MS = 500

const LockOwnerSchema = z.object({ pid: z.number().int(), host: z.string(), startedAt: z.number() })
type LockOwner = z.infer<typeof LockOwnerSchema>

export interface BackupLock {
  release(): Promise<void>
}

export interface AcquireOptions {
  /** false: refuse at once when another backup holds the folder (`--no-wait`). */
  wait: boolean
  signal?: AbortSignal
  /** Told once, when the run starts waiting, with a sentence for the user. */
  onWaiting?: (message: string) => void
}

/**
 * Takes the card folder's lock, waiting while another live backup holds it. A lock left over (see isStale)
 * is taken over. (Two runs finding the same dead lock in the same instant could both take it; that needs a
 * crash and two new runs at once.)
 */
export async function acquireBackupLock(cardFolder: string, options: AcquireOptions): Promise<BackupLock> {
  const lockPath = path.join(cardFolder, BACKUP_LOCK_FILE)
  const me: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: Date.now() }
  let toldWaiting = false
  for (;;) {
    if (options.signal?.aborted) {
      throw new CompanionError('CANCELLED', 'The backup was cancelled while waiting for the drive')
    }
    if (await tryCreate(lockPath, me)) return heldLock(lockPath)
    const holder = await readOwner(lockPath)
    if (holder === 'retry') {
      await new Promise((resolve) => setTimeout(resolve, 20))
      continue
    }
    if (holder === undefined || (await isStale(lockPath, holder))) {
      await fsp.rm(lockPath, { force: true })
      continue
    }
    const who = `process ${holder.pid} on ${holder.host}, since ${new Date(holder.startedAt).toLocaleString()}`
    if (!options.wait) {
      throw new CompanionError(
        'DESTINATION_BUSY',
        `Another backup is writing to ${cardFolder} (${who}); try again when it has finished. If none is running, delete ${lockPath}`,
        { details: { lockPath, holder } },
      )
    }
    if (!toldWaiting) {
      toldWaiting = true
      options.onWaiting?.(`Waiting for the other backup to this drive to finish (${who})`)
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
  }
}

async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  let handle: fsp.FileHandle
  try {
    handle = await fsp.open(lockPath, 'wx')
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false
    throw error
  }
  try {
    await handle.writeFile(JSON.stringify(owner))
    await handle.sync()
  } finally {
    await handle.close()
  }
  return true
}

/**
 * The lock's owner; undefined for a torn lock; 'retry' when it vanished meanwhile or is being written.
 */
async function readOwner(lockPath: string): Promise<LockOwner | undefined | 'retry'> {
  let text: string
  try {
    text = await fsp.readFile(lockPath, 'utf8')
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'retry'
    throw error
  }
  try {
    const owner = LockOwnerSchema.safeParse(JSON.parse(text))
    if (owner.success) return owner.data
  } catch {
    // A lock torn by a crash while it was written.
  }
  // A lock being written this very moment reads as empty: only an old unreadable lock is a torn one.
  const stats = await fsp.stat(lockPath).catch(() => undefined)
  return stats && Date.now() - stats.mtimeMs > UNTOUCHED_STALE_MS ? undefined : 'retry'
}

/** Locks this process holds now: one naming this process but not here was left by a run that ended. */
const heldHere = new Set<string>()

/**
 * A lock is left over when its holder stopped touching it (a run that died, a drive pulled before the lock
 * could be removed), or, on this computer, when its process is gone or is this process without holding it
 * (after a restart a process id is often given out again).
 */
async function isStale(lockPath: string, holder: LockOwner): Promise<boolean> {
  const stats = await fsp.stat(lockPath).catch(() => undefined)
  if (stats !== undefined && Date.now() - stats.mtimeMs > UNTOUCHED_STALE_MS) return true
  if (holder.host !== os.hostname()) return false
  if (holder.pid === process.pid) return !heldHere.has(lockPath)
  return !isProcessAlive(holder.pid)
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errnoCode(error) === 'EPERM'
  }
}

function heldLock(lockPath: string): BackupLock {
  heldHere.add(lockPath)
  const heartbeat = setInterval(() => {
    const now = new Date()
    fsp.utimes(lockPath, now, now).catch(() => undefined)
  }, HEARTBEAT_MS)
  heartbeat.unref()
  return {
    release: async () => {
      clearInterval(heartbeat)
      heldHere.delete(lockPath)
      await fsp.rm(lockPath, { force: true })
    },
  }
}
