import { spawn } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { acquireBackupLock, BACKUP_LOCK_FILE } from '../../../src/core/storage/backupLock.js'

const temps: string[] = []
afterAll(async () => {
  await Promise.all(temps.map((dir) => fsp.rm(dir, { recursive: true, force: true })))
})

async function cardFolderWithLock(owner: { pid: number; host?: string }, ageMs = 0): Promise<string> {
  const folder = await fsp.mkdtemp(path.join(os.tmpdir(), 'lock-'))
  temps.push(folder)
  const lock = path.join(folder, BACKUP_LOCK_FILE)
  await fsp.writeFile(lock, JSON.stringify({ host: os.hostname(), startedAt: Date.now(), ...owner }))
  const touched = new Date(Date.now() - ageMs)
  await fsp.utimes(lock, touched, touched)
  return folder
}

describe('the backup lock of a card folder on a drive', () => {
  it('refuses while another live backup holds it and keeps touching it', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    try {
      const folder = await cardFolderWithLock({ pid: other.pid as number })
      await expect(acquireBackupLock(folder, { wait: false })).rejects.toMatchObject({
        code: 'DESTINATION_BUSY',
      })
    } finally {
      other.kill()
    }
  })

  it('takes over a lock nobody touched for minutes, even if its process id is alive again', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    try {
      const folder = await cardFolderWithLock({ pid: other.pid as number }, 10 * 60_000)
      const lock = await acquireBackupLock(folder, { wait: false })
      await lock.release()
    } finally {
      other.kill()
    }
  })

  it('takes over a lock naming this very process that it no longer holds (a drive pulled, then plugged back)', async () => {
    const folder = await cardFolderWithLock({ pid: process.pid })
    const lock = await acquireBackupLock(folder, { wait: false })
    // While it is held here, a second backup in this process is refused rather than let in.
    await expect(acquireBackupLock(folder, { wait: false })).rejects.toMatchObject({
      code: 'DESTINATION_BUSY',
    })
    await lock.release()
  })
})
