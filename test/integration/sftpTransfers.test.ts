import { randomBytes } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { isCompanionError } from '../../src/core/errors.js'
import { SftpSource, type SftpSourceOptions } from '../../src/core/sources/sftpSource.js'
import { PARTIAL_SUFFIX } from '../../src/core/storage/backup.js'
import { hashFile } from '../../src/core/storage/fileHash.js'
import { readManifest } from '../../src/core/storage/manifest.js'
import { StorageManager } from '../../src/core/storage/storageManager.js'
import { startSshServer, type SshServer } from '../support/sshServer.js'
import { filesUnder } from '../support/filesUnder.js'

let server: SshServer
let knownHostsPath: string

/** A box folder with a few photos and one large file, so a transfer is surely under way when the link drops. */
async function boxWithLargeFile(name: string): Promise<string> {
  const root = (
    await writeCardFixture(path.join(server.dir, name, 'photos'), { nights: 1, perNight: 3, photoKb: 50 })
  ).root
  await fsp.writeFile(path.join(root, 'timelapse night 1.mp4'), randomBytes(24 * 1024 * 1024))
  return root
}

beforeAll(async () => {
  server = await startSshServer()
  knownHostsPath = path.join(server.dir, 'known_hosts')
})
afterAll(async () => {
  await server?.dispose()
})

const openBox = (root: string, extra: Partial<SftpSourceOptions> = {}) =>
  SftpSource.open({
    ref: { username: server.user, host: server.host, port: server.port, root },
    auth: { privateKeyPath: server.clientKey },
    knownHostsPath,
    confirmNewHostKey: () => true,
    reconnect: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    ...extra,
  })

describe('SFTP transfers when the link drops, on cancel, and for cleanup on the box', () => {
  it('continues a file after the serving sshd is killed mid-transfer and ends with a verified copy', async () => {
    const box = await boxWithLargeFile('drop')
    const drive = await fsp.mkdtemp(path.join(server.dir, 'drive-'))
    const source = await openBox(box)
    const manager = new StorageManager(source)
    try {
      const sessions = await server.sessionPids()
      expect(sessions.length).toBeGreaterThan(0)
      let killed = false
      const result = await manager.backupPhotos(drive, {
        onProgress: (progress) => {
          // The link dies while the large file is being read, not before or after it.
          if (!killed && progress.currentFile?.endsWith('.mp4') && (progress.bytesDone ?? 0) > 0) {
            killed = true
            for (const pid of sessions) process.kill(pid, 'SIGKILL')
          }
        },
      })
      expect(killed).toBe(true)
      expect(source.reconnects).toBeGreaterThanOrEqual(1)
      expect(result.failed).toEqual([])
      const cardFolder = result.destinations[0]?.cardFolder as string
      const manifest = await readManifest(cardFolder)
      for (const name of await filesUnder(box)) {
        const hash = await hashFile(path.join(box, name))
        expect(await hashFile(path.join(cardFolder, name))).toBe(hash)
        expect(manifest.get(name)?.hash).toBe(hash)
      }
      expect((await filesUnder(cardFolder)).filter((name) => name.endsWith(PARTIAL_SUFFIX))).toEqual([])
    } finally {
      await manager.close()
    }
  })

  it('stops the cancelled backup, keeping verified files and leaving no partial file', async () => {
    const box = await boxWithLargeFile('cancel')
    const drive = await fsp.mkdtemp(path.join(server.dir, 'drive-'))
    const manager = new StorageManager(await openBox(box))
    const controller = new AbortController()
    try {
      const outcome = await manager
        .backupPhotos(drive, {
          signal: controller.signal,
          onProgress: (progress) => {
            if (progress.currentFile?.endsWith('.mp4') && (progress.bytesDone ?? 0) > 0) controller.abort()
          },
        })
        .catch((error: unknown) => error)
      expect(isCompanionError(outcome) && outcome.code).toBe('CANCELLED')
      const cardFolder = path.join(drive, (await fsp.readdir(drive))[0] as string)
      const left = await filesUnder(cardFolder)
      expect(left.filter((name) => name.endsWith(PARTIAL_SUFFIX))).toEqual([])
      expect(left).not.toContain('timelapse night 1.mp4')
      const manifest = await readManifest(cardFolder)
      for (const name of left.filter((entry) => entry !== 'creaturebox-manifest.jsonl')) {
        expect(manifest.get(name)?.hash).toBe(await hashFile(path.join(box, name)))
      }
    } finally {
      await manager.close()
    }
  })

  it('deletes on the box only photos whose copy is verified, refusing the rest', async () => {
    const box = (
      await writeCardFixture(path.join(server.dir, 'clean', 'photos'), {
        nights: 2,
        perNight: 3,
        photoKb: 30,
      })
    ).root
    const drive = await fsp.mkdtemp(path.join(server.dir, 'drive-'))
    const manager = new StorageManager(await openBox(box))
    try {
      const backup = await manager.backupPhotos(drive)
      const backedUp = (await filesUnder(box)).filter((name) => name.endsWith('.jpg'))
      // After the backup: one photo changes on the box, one photo arrives that was never copied.
      const changed = backedUp[0] as string
      const bytes = await fsp.readFile(path.join(box, changed))
      const before = await fsp.stat(path.join(box, changed))
      bytes[bytes.length - 3] = (bytes.at(-3) ?? 0) ^ 0xff
      await fsp.writeFile(path.join(box, changed), bytes)
      // Same size and mtime as the copy's record: only the hash can tell (and a fast backup may well end
      // within the second of the fixture, where a fresh mtime would not differ over SFTP anyway).
      await fsp.utimes(path.join(box, changed), before.atime, before.mtime)
      const fresh = path.posix.join(path.posix.dirname(changed), 'adeptTurca_2020_01_01__01_00_00_HDR0.jpg')
      await fsp.copyFile(path.join(box, backedUp[1] as string), path.join(box, fresh))

      const plan = await manager.cleanupOldPhotos(0, {
        dryRun: false,
        requireBackupAt: [backup.destinations[0]?.cardFolder as string],
      })
      const refused = plan.refused.map((refusal) => refusal.path).sort()
      expect(refused).toEqual([changed, fresh].sort())
      expect(plan.deleted).toBe(backedUp.length - 1)
      const remaining = (await filesUnder(box)).filter((name) => name.endsWith('.jpg')).sort()
      expect(remaining).toEqual([changed, fresh].sort())
    } finally {
      await manager.close()
    }
  })

  it('fails the job with a clear message once the box stays unreachable after the retries', async () => {
    const box = await boxWithLargeFile('gone')
    const drive = await fsp.mkdtemp(path.join(server.dir, 'drive-'))
    const manager = new StorageManager(await openBox(box))
    const sessions = await server.sessionPids()
    let stopping: Promise<void> | undefined
    try {
      const outcome = await manager
        .backupPhotos(drive, {
          onProgress: (progress) => {
            if (!stopping && progress.currentFile?.endsWith('.mp4') && (progress.bytesDone ?? 0) > 0) {
              // Frozen at once, so the file cannot finish while the server is being stopped; stop() then
              // ends the listener and kills the frozen sessions.
              for (const pid of sessions) process.kill(pid, 'SIGSTOP')
              stopping = server.stop()
            }
          },
        })
        .catch((error: unknown) => error)
      expect(isCompanionError(outcome) && outcome.code).toBe('CONNECTION_FAILED')
      expect((outcome as Error).message).toMatch(/could not reconnect \(3 attempts/)
      expect((outcome as Error).message).toContain('run the operation again')
    } finally {
      await stopping
      await manager.close()
      await server.start()
    }
  })
})
