import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { isCompanionError } from '../../src/core/errors.js'
import { openSource, type BoxConnectionOptions } from '../../src/core/sources/openSource.js'
import { hashFile } from '../../src/core/storage/fileHash.js'
import { freePort } from '../support/redisServer.js'
import { startSshServer, type SshServer } from '../support/sshServer.js'
import { filesUnder } from '../support/filesUnder.js'

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
let server: SshServer
let card: string
let knownHostsPath: string

beforeAll(async () => {
  server = await startSshServer()
  card = (
    await writeCardFixture(path.join(server.dir, 'box', 'photos'), { nights: 1, perNight: 3, photoKb: 20 })
  ).root
  knownHostsPath = path.join(server.dir, 'known_hosts')
})
afterAll(async () => {
  await server?.dispose()
})

const ref = (port = server.port, host: string = server.host) => `sftp://${server.user}@${host}:${port}${card}`

async function failureOf(options: BoxConnectionOptions, target = ref()) {
  const error = await openSource(target, { knownHostsPath, confirmNewHostKey: () => true, ...options }).then(
    async (source) => {
      await source.close()
      return undefined
    },
    (e: unknown) => e,
  )
  expect(isCompanionError(error)).toBe(true)
  return error as { code: string; message: string }
}

describe('logging in to a box', () => {
  it('logs in with a passphrase-protected key given its passphrase', async () => {
    const source = await openSource(ref(), {
      knownHostsPath,
      confirmNewHostKey: () => true,
      auth: { privateKeyPath: server.encryptedClientKey, passphrase: server.clientKeyPassphrase },
    })
    await source.close()
  })

  it('says which part of the login is wrong', async () => {
    expect(await failureOf({ auth: { password: 'not the password' } })).toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining('refused the login'),
    })
    expect(await failureOf({ auth: { privateKeyPath: server.strangerKey } })).toMatchObject({
      code: 'AUTH_FAILED',
    })
    expect(
      await failureOf({ auth: { privateKeyPath: server.encryptedClientKey, passphrase: 'wrong' } }),
    ).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('Wrong passphrase') })
    expect(await failureOf({ auth: { privateKeyPath: server.encryptedClientKey } })).toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining('protected by a passphrase'),
    })
  })

  it('says when nothing listens on the port, and when the host does not exist', async () => {
    const closedPort = await freePort()
    expect(await failureOf({ auth: { privateKeyPath: server.clientKey } }, ref(closedPort))).toMatchObject({
      code: 'CONNECTION_FAILED',
      message: expect.stringContaining(`refused a connection on port ${closedPort}`),
    })
    expect(
      await failureOf({ auth: { privateKeyPath: server.clientKey } }, ref(22, 'no-such-box.invalid')),
    ).toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringContaining('Cannot find the host') })
  })
})

describe('creaturebox with an sftp:// source', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, BOX_PW: 'nope' } })

  it('refuses an unknown box without --accept-new-host-key, then backs it up verified with it', async () => {
    const drive = await fsp.mkdtemp(path.join(server.dir, 'drive-'))
    const hosts = path.join(server.dir, 'cli_known_hosts')
    const common = ['--identity', server.clientKey, '--known-hosts', hosts]
    const refused = run('backup', ref(), '--to', drive, ...common)
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/not a known box\. Its host key is ssh-ed25519 SHA256:/)

    const done = run('backup', ref(), '--to', drive, ...common, '--accept-new-host-key', '--json')
    expect(done.status).toBe(0)
    const report = JSON.parse(done.stdout)
    const cardFolder = report.destinations[0].cardFolder as string
    const names = await filesUnder(card)
    expect(names.length).toBeGreaterThan(3)
    for (const name of names) {
      expect(await hashFile(path.join(cardFolder, name))).toBe(await hashFile(path.join(card, name)))
    }
    // Pinned now: a second run needs no flag.
    expect(run('stats', ref(), ...common).status).toBe(0)
  })

  it('takes a password from an environment variable, never from the command line', () => {
    const result = run('stats', ref(), '--known-hosts', knownHostsPath, '--password-env', 'BOX_PW')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('refused the login')
  })
})
