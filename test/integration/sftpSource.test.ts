import fsp from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { isCompanionError } from '../../src/core/errors.js'
import { LocalSource } from '../../src/core/sources/localSource.js'
import { openSource } from '../../src/core/sources/openSource.js'
import type { PhotoSource } from '../../src/core/sources/photoSource.js'
import type { SftpSource } from '../../src/core/sources/sftpSource.js'
import { hashFile } from '../../src/core/storage/fileHash.js'
import { readManifest } from '../../src/core/storage/manifest.js'
import { StorageManager } from '../../src/core/storage/storageManager.js'
import { startSshServer, type SshServer } from '../support/sshServer.js'
import { filesUnder } from '../support/filesUnder.js'
import { walkSource } from '../../src/core/sources/walkSource.js'

let server: SshServer
let card: string
let knownHostsPath: string

/** Names that break tools which pass paths through a shell. */
const ODD_NAMES = ["it's a moth.jpg.json", 'with space "quoted".txt', 'ünïcödé 蛾 $(touch pwned).txt']

beforeAll(async () => {
  server = await startSshServer()
  card = (
    await writeCardFixture(path.join(server.dir, 'box', 'photos'), { nights: 2, perNight: 6, photoKb: 200 })
  ).root
  for (const name of ODD_NAMES) await fsp.writeFile(path.join(card, name), `field note ${name}\n`)
  knownHostsPath = path.join(server.dir, 'known_hosts')
})
afterAll(async () => {
  await server?.dispose()
})

const refOf = (root = card) => `sftp://${server.user}@${server.host}:${server.port}${root}`

const open = (root = card, extra: Parameters<typeof openSource>[1] = {}): Promise<PhotoSource> =>
  openSource(refOf(root), {
    auth: { privateKeyPath: server.clientKey },
    knownHostsPath,
    confirmNewHostKey: () => true,
    ...extra,
  })

describe('SftpSource against a real sshd', () => {
  it('lists every file of the box with its size, odd names included', async () => {
    const source = await open()
    try {
      const listed = []
      for await (const file of walkSource(source)) listed.push(file)
      expect(listed.map((file) => file.path).sort()).toEqual(await filesUnder(card))
      for (const file of listed) {
        const local = await fsp.stat(path.join(card, file.path))
        expect(file.size).toBe(local.size)
        expect(Math.abs(file.mtimeMs - local.mtimeMs)).toBeLessThan(1000)
      }
    } finally {
      await source.close()
    }
  })

  it('gives the same stats for the box as for the same folder on a mounted card, with the box disk space', async () => {
    const source = await open()
    const manager = new StorageManager(source)
    const mounted = new StorageManager(await LocalSource.open(card))
    try {
      const stats = await manager.getStorageStats()
      const expected = await mounted.getStorageStats()
      expect(stats.photos).toEqual(expected.photos)
      expect(stats.photos.count).toBeGreaterThan(0)
      expect(stats.otherFiles).toEqual(expected.otherFiles)
      expect(stats.nights).toEqual(expected.nights)
      expect(stats.deviceName).toBe('adeptTurca')
      const local = await fsp.statfs(card)
      expect(stats.volume.totalBytes).toBe(local.blocks * local.bsize)
      expect(stats.sourceId).toBe(refOf())
    } finally {
      await manager.close()
      await mounted.close()
    }
  })

  it('backs the box up verified, then skips everything on a re-run', async () => {
    const drive = await fsp.mkdtemp(path.join(server.dir, 'drive-'))
    const source = await open()
    const manager = new StorageManager(source)
    try {
      const first = await manager.backupPhotos(drive)
      const cardFolder = first.destinations[0]?.cardFolder as string
      expect(path.basename(cardFolder)).toBe(`adeptTurca_${server.host}`)
      const expected = await filesUnder(card)
      expect((await filesUnder(cardFolder)).filter((name) => name !== 'creaturebox-manifest.jsonl')).toEqual(
        expected,
      )
      const manifest = await readManifest(cardFolder)
      for (const name of expected) {
        const hash = await hashFile(path.join(card, name))
        expect(await hashFile(path.join(cardFolder, name))).toBe(hash)
        expect(manifest.get(name)?.hash).toBe(hash)
      }
      const again = await manager.backupPhotos(drive)
      expect(again).toMatchObject({ copied: 0, skipped: expected.length, failed: [] })
    } finally {
      await manager.close()
    }
  })

  it('refuses to clean or organize the home folder of the login on the box, as the box names it', async () => {
    const home = new StorageManager(await open('/~'))
    try {
      await expect(home.cleanupOldPhotos(0, { dryRun: true })).rejects.toMatchObject({
        code: 'UNSAFE_SOURCE_ROOT',
        message: expect.stringContaining('your home folder'),
      })
      await expect(home.organizePhotosByDate({ dryRun: true })).rejects.toMatchObject({
        code: 'UNSAFE_SOURCE_ROOT',
      })
    } finally {
      await home.close()
    }
  })

  it('names a missing photos folder', async () => {
    const error = await open(path.join(server.dir, 'no-such-folder')).catch((e: unknown) => e)
    expect(isCompanionError(error) && error.code).toBe('SOURCE_NOT_FOUND')
    expect(String((error as Error).message)).toContain('does not exist on the box')
  })

  it('reconnects (the source, not the caller) after the serving sshd process was killed', async () => {
    const source = (await open()) as SftpSource
    try {
      expect(await source.stat(ODD_NAMES[0] as string)).toBeDefined()
      expect(await server.killSessions()).toBeGreaterThan(0)
      expect((await source.stat(ODD_NAMES[0] as string))?.size).toBeGreaterThan(0)
      expect(source.reconnects).toBe(1)
    } finally {
      await source.close()
    }
  })
})
