import { expect, test } from '@playwright/test'
import { cardPath, serveUrl } from './e2eEnvironment.js'
import { openApp, openScreen, useSource } from './screens.js'

test('every source opens the same way, and the one chosen is still chosen after a reload', async ({
  page,
}) => {
  await openApp(page, serveUrl())
  await openScreen(page, 'Sources')
  // Cards found, folders added and sources given at start: one action, "Open", for all of them.
  const buttons = page.locator('li.source-row').getByRole('button', { name: /^(Use|Open)$/ })
  expect(await buttons.count()).toBeGreaterThan(1)
  for (const label of await buttons.allTextContents()) expect(label).toBe('Open')

  // Not the first source (which the app would pick on its own): the organize card.
  await useSource(page, cardPath('organize'))
  await page.reload()
  await page.getByRole('navigation', { name: 'Screens' }).waitFor()
  await expect(page.getByRole('navigation', { name: 'Screens' })).toContainText('FLAT_CARD')
  await openScreen(page, 'Sources')
  await expect(
    page.locator('li.source-row', { hasText: cardPath('organize') }).getByRole('button', { name: 'Open' }),
  ).toHaveAttribute('aria-pressed', 'true')
})
