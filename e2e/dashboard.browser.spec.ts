import { expect, test } from '@playwright/test'
import { isPhoto, listFiles } from './cardFiles.js'
import { cardPath, serveUrl } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen, useSource } from './screens.js'

test('the dashboard shows the card figures and photos per night with the empty night marked', async ({
  page,
}, testInfo) => {
  const card = cardPath('dashboard')
  const photos = (await listFiles(card)).filter(isPhoto)

  await openApp(page, serveUrl())
  // The token is taken out of the address bar once the page has it.
  expect(page.url()).not.toContain('token=')
  await useSource(page, card)

  await expect(page.getByTestId('photo-count')).toHaveText(String(photos.length))
  await expect(page.getByTestId('oldest-capture')).toContainText('2024-09-01')
  await expect(page.getByTestId('newest-capture')).toContainText('2024-09-06')
  await expect(page.getByTestId('night-gaps')).toContainText('2024-09-03')
  // One bar per night with photos; the empty night gets a marker bar of its own.
  await expect(page.locator('.bar-photos .recharts-rectangle')).toHaveCount(4)
  await expect(page.locator('.bar-gap .recharts-rectangle')).toHaveCount(1)
  await expect(page.getByRole('img', { name: /photos, .* free/ })).toBeVisible()
  await saveScreen(page, testInfo, 'dashboard')

  // A reload keeps working: the token was kept for this tab.
  await page.reload()
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible()
  await openScreen(page, 'Jobs')
  await expect(page.getByRole('alert')).toHaveCount(0)
})

test('without the token the page and the API refuse', async ({ page, request }) => {
  const bare = new URL(serveUrl())
  bare.search = ''
  const response = await page.goto(bare.toString())
  expect(response?.status()).toBe(401)
  await expect(page.locator('body')).toContainText('access token')
  expect((await request.get(new URL('/api/storage/stats', bare).toString())).status()).toBe(401)
})

test('every screen fits a 1024×700 window without sideways scrolling, in light and dark', async ({
  page,
}, testInfo) => {
  await openApp(page, serveUrl())
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    for (const screen of ['Sources', 'Dashboard', 'Backup', 'Cleanup', 'Organize', 'Jobs']) {
      await openScreen(page, screen)
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow, `${screen} in ${scheme}`).toBeLessThanOrEqual(0)
      if (scheme === 'dark' && screen === 'Dashboard') await saveScreen(page, testInfo, 'dashboard-dark')
      if (scheme === 'light' && screen === 'Sources') await saveScreen(page, testInfo, 'sources')
    }
  }
  // Keyboard: the screens are reachable with Tab and Enter.
  await page.emulateMedia({ colorScheme: 'light' })
  await page.reload()
  await page.getByRole('navigation', { name: 'Screens' }).waitFor()
  await page.keyboard.press('Tab')
  await expect(page.locator(':focus')).toHaveText('Skip to main content')
  await page.keyboard.press('Tab')
  await expect(page.locator(':focus')).toHaveText(/Sources/)
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
})

test('screens work before the settings have arrived, and fill in when they do', async ({ page }) => {
  let releaseSettings: () => void = () => undefined
  const settingsHeld = new Promise<void>((resolve) => (releaseSettings = resolve))
  await page.route('**/api/commands/settings.get', async (route) => {
    await settingsHeld
    await route.continue()
  })
  await openApp(page, serveUrl())
  for (const screen of ['Sources', 'Backup', 'Cleanup', 'Organize']) {
    await openScreen(page, screen)
    await expect(page.getByRole('alert')).toHaveCount(0)
  }
  await openScreen(page, 'Sources')
  releaseSettings()
  await expect(page.getByRole('button', { name: 'Add a box' })).toBeVisible()
  await expect(page.getByRole('heading', { level: 1, name: 'Sources' })).toBeVisible()
})
