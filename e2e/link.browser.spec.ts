import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { cardPath, e2eRoot } from './e2eEnvironment.js'
import { openApp } from './screens.js'
import { startServe, type ServeProcess } from './serveProcess.js'

const TOKEN = 'link-test-token-0123456789'
let serve: ServeProcess | undefined

test.afterEach(async () => {
  await serve?.stop()
})

test('the page says when serve is gone, recovers when it is back, and says when its token is refused', async ({
  page,
}) => {
  const dataDir = path.join(e2eRoot(), 'link-data')
  await fsp.mkdir(dataDir, { recursive: true })
  const args = (port: number) => [
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--source',
    cardPath('dashboard'),
  ]
  serve = await startServe(args(0), TOKEN)
  const { port } = serve
  await openApp(page, serve.url)
  await expect(page.getByTestId('photo-count')).toBeVisible()
  await expect(page.getByText(/not reachable/)).toHaveCount(0)

  await serve.stop()
  await expect(page.getByRole('status').filter({ hasText: 'not reachable; reconnecting' })).toBeVisible()

  serve = await startServe(args(port), TOKEN)
  await expect(page.getByText(/not reachable/)).toHaveCount(0)
  await page.getByRole('button', { name: 'Read the card again' }).click()
  await expect(page.getByRole('alert')).toHaveCount(0)

  await serve.stop()
  serve = await startServe(args(port), 'another-token-after-restart')
  await expect(page.getByRole('alert').filter({ hasText: 'refused this page' })).toBeVisible()
})
