import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { startSshServer, type SshServer } from '../test/support/sshServer.js'
import { serveUrl } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen } from './screens.js'

let server: SshServer | undefined
let photos = 0

test.beforeAll(async () => {
  server = await startSshServer()
  photos = (
    await writeCardFixture(path.join(server.dir, 'box-home'), {
      nights: 1,
      perNight: 4,
      photoKb: 20,
      odd: false,
    })
  ).photos
})
test.afterAll(async () => {
  await server?.dispose()
})

/** The fingerprint as OpenSSH prints it, read from the server's own host key: what a user compares with. */
function hostKeyFingerprint(ssh: SshServer): string {
  const scanned = execFileSync('ssh-keyscan', ['-t', 'ed25519', '-p', String(ssh.port), ssh.host], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const printed = execFileSync('ssh-keygen', ['-lf', '-'], { input: scanned }).toString()
  return printed.split(' ')[1] ?? ''
}

test('a box is added, its host key confirmed on first use, and its photos read over SFTP', async ({
  page,
}, testInfo) => {
  const ssh = server!
  await openApp(page, serveUrl())
  await openScreen(page, 'Sources')
  await page.getByRole('button', { name: 'Add a box' }).click()
  const form = page.getByRole('form', { name: 'Add a box' })
  await form.getByLabel('Name').fill('Ridge trap')
  await form.getByLabel('Host or address').fill(ssh.host)
  await form.getByLabel('SSH port').fill(String(ssh.port))
  await form.getByLabel('User').fill(ssh.user)
  await form.getByLabel('Photos folder on the box').fill(path.join(ssh.dir, 'box-home'))
  await form.getByLabel('Key file (optional)').fill(ssh.clientKey)
  await form.getByRole('button', { name: 'Save box' }).click()

  const row = page.locator('li.box-row', { hasText: 'Ridge trap' })
  await row.getByRole('button', { name: 'Test connection' }).click()
  const confirm = row.getByRole('alert', { name: 'Confirm host key' })
  await expect(confirm.getByTestId('host-key-fingerprint')).toHaveText(hostKeyFingerprint(ssh))
  await saveScreen(page, testInfo, 'box-host-key')
  await confirm.getByRole('button', { name: /trust this box/ }).click()
  await expect(row.getByRole('status')).toHaveText(`Connected: ${photos} photos on the box.`)

  await row.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(page.getByTestId('photo-count')).toHaveText(String(photos))

  // A box that comes back with another key is refused, and the user is told why.
  await ssh.replaceHostKey()
  await openScreen(page, 'Sources')
  await row.getByRole('button', { name: 'Test connection' }).click()
  await expect(row.getByRole('alert')).toContainText('different host key')
})
