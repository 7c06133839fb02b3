import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { E2E_TOKEN, serveUrl, simulatedDrivesDir } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen, seriousViolations, useSource } from './screens.js'

/**
 * Choosing a drive as the user does: the removable drives are listed up front with their name, size, free
 * space and file system, the laptop's own drive never; one click ticks and checks a drive. After the run a
 * browser, which cannot open a folder on the companion's computer, shows the card folder with "Copy path".
 */
test.describe.configure({ mode: 'serial' })

const CARD = 'PICK_CARD'
const DRIVE = 'PICK_DRIVE'
const plugged = (name: string) => path.join(simulatedDrivesDir(), name)

test.beforeAll(async () => {
  await writeCardFixture(plugged(CARD), {
    nights: 1,
    perNight: 3,
    photoKb: 20,
    odd: false,
    device: 'pickLuna',
  })
  await fsp.mkdir(plugged(DRIVE))
})
test.afterAll(async () => {
  for (const name of [CARD, DRIVE]) await fsp.rm(plugged(name), { recursive: true, force: true })
})

test('removable drives are offered with size, free space and file system; the system drive never', async ({
  page,
  context,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await openApp(page, serveUrl())
  await useSource(page, plugged(CARD))
  await openScreen(page, 'Backup')

  const row = page.locator('li.destination-choice', { hasText: plugged(DRIVE) })
  // Name · size · free · file system, before anything is ticked (this machine's temp folder is on ext4).
  await expect(row).toContainText(new RegExp(`${DRIVE} · [\\d.]+ [kMGT]?B · [\\d.]+ [kMGT]?B free · \\w+`))
  // The laptop's own drive (holding /) is never offered, nor its mount points.
  for (const systemMount of ['/', '/boot', '/home']) {
    await expect(
      page.locator('li.destination-choice span.path', { hasText: new RegExp(`^${systemMount}$`) }),
    ).toHaveCount(0)
  }
  await saveScreen(page, testInfo, 'backup-drives-offered')

  // One click ticks it, and the destination check answers with the drive's room and this card's needs.
  await page.getByRole('checkbox', { name: new RegExp(plugged(DRIVE)) }).check()
  await expect(row).toContainText(/free, this card needs/)
  await page.getByRole('button', { name: /^Start backup/ }).click()
  await expect(page.getByTestId('job-status')).toHaveText('Done')
  await expect(page.getByTestId('safe-to-remove')).toBeVisible()

  // In a browser there is no "Open folder" (the companion may be another computer): the path, to copy.
  const result = page.getByTestId('backup-result')
  await expect(result.getByRole('button', { name: 'Open folder' })).toHaveCount(0)
  const [cardFolder] = await fsp.readdir(plugged(DRIVE))
  const folder = path.join(plugged(DRIVE), cardFolder!)
  await expect(result.getByLabel("Folder on the companion's computer")).toHaveValue(folder)
  await expect(result.getByTestId('manifest-path')).toHaveText(
    path.join(folder, 'creaturebox-manifest.jsonl'),
  )
  await result.getByRole('button', { name: 'Copy path' }).click()
  await expect(result.getByRole('status').filter({ hasText: 'Copied.' })).toBeVisible()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(folder)
  await saveScreen(page, testInfo, 'backup-copy-path')
  expect(await seriousViolations(page)).toEqual([])
})

test('serve refuses the desktop-only commands in words: it has no window to open a folder in', async ({
  request,
}) => {
  const base = new URL(serveUrl())
  for (const [command, input] of [
    ['desktop.openFolder', { jobId: 'any', folder: plugged(DRIVE) }],
    ['desktop.chooseFolder', {}],
  ] as const) {
    const answer = await request.post(new URL(`/api/commands/${command}`, base).toString(), {
      headers: { Authorization: `Bearer ${E2E_TOKEN}` },
      data: input,
    })
    expect(answer.status(), command).toBe(422)
    expect(await answer.json(), command).toMatchObject({ ok: false, error: { code: 'DESKTOP_ONLY' } })
  }
})
