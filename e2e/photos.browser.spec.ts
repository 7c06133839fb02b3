import { expect, test, type Page } from '@playwright/test'
import { cardPath, serveUrl } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen, useSource } from './screens.js'

/** Thumbnails that arrived and were decoded by the browser, not just `<img>` elements waiting. */
const paintedThumbnails = (page: Page) =>
  page
    .locator('img.thumb')
    .evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).naturalWidth > 0).length)

async function openPhotos(page: Page): Promise<void> {
  await openApp(page, serveUrl())
  await useSource(page, cardPath('dashboard'))
  await openScreen(page, 'Photos')
}

test("the Photos screen shows a night's thumbnails, groups HDR series, flags damaged photos and marks an empty night", async ({
  page,
}, testInfo) => {
  await openPhotos(page)
  await expect(page.getByRole('combobox', { name: 'Night' })).toHaveValue('2024-09-01')
  await expect.poll(() => paintedThumbnails(page)).toBeGreaterThan(3)
  const thumbnailWidth = await page
    .locator('img.thumb')
    .first()
    .evaluate((image) =>
      Math.max((image as HTMLImageElement).naturalWidth, (image as HTMLImageElement).naturalHeight),
    )
  // 320 px long edge, never enlarged: this card's small photos stay their own size.
  expect(thumbnailWidth).toBeGreaterThan(100)
  expect(thumbnailWidth).toBeLessThanOrEqual(320)
  // The fixture's first night holds a zero-byte photo: shown with its flag, not hidden.
  await expect(page.locator('.photo-flag', { hasText: 'empty' })).toBeVisible()
  const series = page.getByRole('button', { name: /^\d photos$/ }).first()
  await expect(series).toBeVisible()
  const tilesBefore = await page.locator('.photo-tile').count()
  await series.click()
  await expect.poll(() => page.locator('.photo-tile').count()).toBeGreaterThan(tilesBefore)
  await saveScreen(page, testInfo, 'photos-grid')

  await page.getByRole('combobox', { name: 'Night' }).selectOption('2024-09-03')
  await expect(page.getByTestId('empty-night')).toContainText('took none')
  await saveScreen(page, testInfo, 'photos-empty-night')
})

test('the large view opens with Enter or a click, moves with the arrow keys and closes with Escape', async ({
  page,
}, testInfo) => {
  await openPhotos(page)
  const tiles = page.getByRole('button', { name: /^Open / })
  await expect(tiles.first()).toBeVisible()
  await tiles.first().focus()
  await page.keyboard.press('Enter')
  const view = page.getByRole('dialog')
  await expect(view).toBeVisible()
  const position = page.getByTestId('photo-position')
  await expect(position).toHaveText(/^1 of \d+$/)
  await expect(view.locator('img.preview')).toHaveJSProperty('complete', true)
  await expect(view).toContainText('MothboxV3 Arducam64mp')
  await expect(view).toContainText('Night of')
  await saveScreen(page, testInfo, 'photos-large-view')

  await page.keyboard.press('ArrowRight')
  await expect(position).toHaveText(/^2 of /)
  await page.keyboard.press('ArrowRight')
  await expect(position).toHaveText(/^3 of /)
  await page.keyboard.press('ArrowLeft')
  await expect(position).toHaveText(/^2 of /)
  await page.keyboard.press('Escape')
  await expect(view).toBeHidden()

  await tiles.nth(1).click()
  await expect(view).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(view).toBeHidden()
})

test('a star survives a reload, shows in the grid and can be filtered on', async ({ page }, testInfo) => {
  await openPhotos(page)
  await page
    .getByRole('button', { name: /^Open / })
    .nth(2)
    .click()
  const name = await page.getByRole('dialog').getByRole('heading', { level: 2 }).textContent()
  await page.getByRole('button', { name: '★ Star' }).click()
  await expect(page.getByRole('button', { name: '★ Star' })).toHaveAttribute('aria-pressed', 'true')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('radio', { name: /^Starred \(1\)$/ })).toBeVisible()

  await page.reload()
  await openPhotos(page)
  await page.getByRole('radio', { name: /^Starred \(1\)$/ }).click()
  await expect(page.getByRole('button', { name: /^Open / })).toHaveCount(1)
  await expect(page.getByRole('button', { name: `Open ${name}` })).toBeVisible()
  await expect(page.locator('.photo-mark[aria-label="starred"]')).toBeVisible()
  await saveScreen(page, testInfo, 'photos-starred')

  // Taking the star away again leaves the card's marks as they were for the other tests.
  await page.getByRole('button', { name: `Open ${name}` }).click()
  await page.getByRole('button', { name: '★ Star' }).click()
  await expect(page.getByRole('button', { name: '★ Star' })).toHaveAttribute('aria-pressed', 'false')
})

test('a night opened on the Dashboard is the one the Photos screen shows', async ({ page }) => {
  await openApp(page, serveUrl())
  await useSource(page, cardPath('dashboard'))
  await page.getByText('Photos per night as a table').click()
  await page.getByRole('button', { name: 'Open night 2024-09-04' }).click()
  await page
    .getByRole('region', { name: 'Night of 2024-09-04' })
    .getByRole('button', { name: 'See its photos' })
    .click()
  await page.getByRole('heading', { level: 1, name: 'Photos' }).waitFor()
  await expect(page.getByRole('combobox', { name: 'Night' })).toHaveValue('2024-09-04')
  await expect.poll(() => paintedThumbnails(page)).toBeGreaterThan(0)
})
