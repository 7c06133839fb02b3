import fsp from 'node:fs/promises'
import { expect, test, type Page } from '@playwright/test'
import { cardPath, e2eRoot, serveUrl } from './e2eEnvironment.js'
import { addDestination, openApp, openScreen, saveScreen, seriousViolations, useSource } from './screens.js'

/**
 * WCAG 2.2 AA, checked by axe-core on every screen of the sidebar in the light and the dark theme, with a
 * card chosen so that each screen shows its real content (charts, lists, forms): no serious or critical
 * violation may remain.
 */

async function screenNames(page: Page): Promise<string[]> {
  const buttons = page.getByRole('navigation', { name: 'Screens' }).getByRole('button')
  return (await buttons.allTextContents()).map((text) => text.replace(/\d+$/, '').trim())
}

for (const theme of ['light', 'dark'] as const) {
  test(`every screen passes axe in the ${theme} theme with no serious or critical violation`, async ({
    page,
  }, testInfo) => {
    await page.emulateMedia({ colorScheme: theme })
    await openApp(page, serveUrl())
    await useSource(page, cardPath('dashboard'))
    const found: Record<string, string[]> = {}
    for (const name of await screenNames(page)) {
      await openScreen(page, name)
      // Let data-driven parts (stats, chart, lists) arrive before judging the screen.
      await page.waitForLoadState('networkidle')
      const violations = await seriousViolations(page)
      if (violations.length > 0) found[name] = violations
      if (theme === 'dark') await saveScreen(page, testInfo, `${name.toLowerCase()}-dark`)
    }
    expect(found).toEqual({})
  })
}

test('the keyboard reaches the content: a skip link first, focus on the heading of each screen opened', async ({
  page,
}) => {
  await openApp(page, serveUrl())
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to main content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('main')).toBeFocused()

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Backup' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Backup' })).toBeFocused()
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Jobs/ }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeFocused()
})

test('adding a box is a dialog: it takes focus, keeps it inside, closes with Escape and gives focus back', async ({
  page,
}) => {
  await openApp(page, serveUrl())
  await openScreen(page, 'Sources')
  const opener = page.getByRole('button', { name: 'Add a box' })
  await opener.click()
  const dialog = page.getByRole('dialog', { name: 'Add a box' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('textbox').first()).toBeFocused()
  // However far Tab goes, focus stays in the dialog (the page behind it is inert).
  for (let step = 0; step < 15; step++) {
    await page.keyboard.press('Tab')
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true)
  }
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(opener).toBeFocused()
})

test('a run is announced through a polite live region: its start and its end', async ({ page }) => {
  await openApp(page, serveUrl())
  await useSource(page, cardPath('organize'))
  await openScreen(page, 'Backup')
  const announcer = page.getByTestId('announcer')
  await expect(announcer).toHaveAttribute('aria-live', 'polite')
  const drive = `${e2eRoot()}/ANNOUNCED_DRIVE`
  await fsp.mkdir(drive, { recursive: true })
  await addDestination(page, drive)
  await page.getByRole('button', { name: /^Start backup/ }).click()
  await expect(announcer).toContainText(/Backup of .*FLAT_CARD is done/)
})
