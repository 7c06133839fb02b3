import fsp from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCompanion, type Companion } from '../../src/core/companion.js'
import { dispatchCommand } from '../../src/core/dispatch.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { boxRefOf } from '../../src/shared/boxes.js'
import { startSshServer, type SshServer } from '../support/sshServer.js'

let server: SshServer
let companion: Companion
let card: string

beforeAll(async () => {
  server = await startSshServer()
  card = (
    await writeCardFixture(path.join(server.dir, 'box', 'photos'), { nights: 1, perNight: 3, photoKb: 20 })
  ).root
  companion = await createCompanion({ dataDir: path.join(server.dir, 'data') })
  await companion.handlers['settings.update']({
    boxes: [
      {
        id: 'b1',
        name: 'Meadow box',
        host: server.host,
        port: server.port,
        username: server.user,
        photosPath: card,
        privateKeyPath: server.clientKey,
      },
    ],
  })
})
afterAll(async () => {
  await companion?.close()
  await server?.dispose()
})

const call = (name: string, input: unknown) => dispatchCommand(companion.handlers, name, input)
const address = () => ({ host: server.host, port: server.port })

describe('box host keys through the contract (trust on first use, pinned afterwards)', () => {
  it('refuses an unknown box until the user confirms the fingerprint shown, then connects', async () => {
    const probe = await call('boxes.probeHostKey', address())
    expect(probe).toMatchObject({ ok: true, value: { status: 'unknown', keyType: 'ssh-ed25519' } })
    const fingerprint = (probe as { value: { fingerprint: string } }).value.fingerprint
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)

    const refused = await call('storage.stats', { source: boxRefOf('b1') })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'HOST_KEY_UNKNOWN', details: { fingerprint, host: server.host, port: server.port } },
    })

    const wrong = await call('boxes.trustHostKey', {
      ...address(),
      fingerprint: 'SHA256:not-what-the-box-has',
    })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'HOST_KEY_MISMATCH' } })

    expect(await call('boxes.trustHostKey', { ...address(), fingerprint })).toMatchObject({
      ok: true,
      value: { status: 'pinned', fingerprint },
    })
    const knownHosts = await fsp.readFile(path.join(server.dir, 'data', 'known_hosts'), 'utf8')
    expect(knownHosts).toContain(`[${server.host}]:${server.port} ssh-ed25519 `)

    const stats = await call('storage.stats', { source: boxRefOf('b1') })
    expect(stats).toMatchObject({ ok: true, value: { deviceName: 'adeptTurca' } })
    expect(await call('boxes.probeHostKey', address())).toMatchObject({
      ok: true,
      value: { status: 'pinned' },
    })
  })

  it('refuses a box whose host key changed, naming both fingerprints, and will not pin the new one', async () => {
    const before = (await call('boxes.probeHostKey', address())) as { value: { fingerprint: string } }
    await server.replaceHostKey()
    const after = await call('boxes.probeHostKey', address())
    expect(after).toMatchObject({
      ok: true,
      value: { status: 'changed', pinnedFingerprints: [before.value.fingerprint] },
    })
    const newFingerprint = (after as { value: { fingerprint: string } }).value.fingerprint
    expect(newFingerprint).not.toBe(before.value.fingerprint)

    const refused = await call('storage.stats', { source: boxRefOf('b1'), refresh: true })
    expect(refused).toMatchObject({ ok: false, error: { code: 'HOST_KEY_MISMATCH' } })
    const message = (refused as { error: { message: string } }).error.message
    expect(message).toContain(newFingerprint)
    expect(message).toContain(before.value.fingerprint)

    expect(await call('boxes.trustHostKey', { ...address(), fingerprint: newFingerprint })).toMatchObject({
      ok: false,
      error: { code: 'HOST_KEY_MISMATCH' },
    })
  })

  it('keeps a box secret out of settings', async () => {
    expect(await call('boxes.setSecret', { boxId: 'b1', secret: 'hunter2' })).toMatchObject({
      ok: true,
      value: { hasSecret: true, persisted: false },
    })
    const settingsFile = await fsp.readFile(path.join(server.dir, 'data', 'settings.json'), 'utf8')
    expect(settingsFile).not.toContain('hunter2')
  })
})
