import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { cardPath, e2eRoot, serveUrl } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen, useSource } from './screens.js'

/** Thumbnails that arrived and were decoded by the browser, not just `<img>` elements waiting. */
const paintedThumbnails = (page: Page) =>
  page
    .locator('img.thumb')
    .evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).naturalWidth > 0).length)

async function openPhotos(page: Page, card = cardPath('dashboard')): Promise<void> {
  await openApp(page, serveUrl())
  if (card !== cardPath('dashboard')) {
    await openScreen(page, 'Sources')
    await page.getByLabel('Add a folder').fill(card)
    await page.getByRole('button', { name: 'Add', exact: true }).click()
  }
  await useSource(page, card)
  await openScreen(page, 'Photos')
}

// The Raspberry Pi HQ camera's full frame: wider than the large view's 1920 px rendition.
const CAMERA_WIDTH = 4056
const CAMERA_HEIGHT = 3040

/** A card with one camera-sized photo, the night's first, before two small ones. */
async function zoomCard(): Promise<string> {
  const card = path.join(e2eRoot(), 'ZOOM_CARD')
  await writeCardFixture(card, { nights: 1, perNight: 2, photoKb: 20, odd: false, startNight: '2024-09-01' })
  await sharp({
    create: {
      width: CAMERA_WIDTH,
      height: CAMERA_HEIGHT,
      channels: 3,
      background: { r: 60, g: 80, b: 40 },
      noise: { type: 'gaussian', mean: 90, sigma: 30 },
    },
  })
    .jpeg({ quality: 80 })
    .toFile(path.join(card, 'photos', '2024-09-01', 'adeptTurca_2024_09_01__19_00_00.jpg'))
  return card
}

const naturalWidth = (page: Page, selector: string) =>
  page.locator(selector).evaluate((image) => (image as HTMLImageElement).naturalWidth)

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

test('the large view zooms to the 100 % original (fetched only then), pans it, and fits it again', async ({
  page,
}, testInfo) => {
  const originals: string[] = []
  page.on('request', (request) => {
    if (request.url().includes('/api/photos/original')) originals.push(request.url())
  })
  await openPhotos(page, await zoomCard())
  await page
    .getByRole('button', { name: /^Open / })
    .first()
    .click()
  const view = page.getByRole('dialog')
  await expect(view.getByRole('heading', { level: 2 })).toHaveText('adeptTurca_2024_09_01__19_00_00.jpg')
  await expect(view.locator('img.preview')).toHaveJSProperty('complete', true)
  // Fitted: the screen-sized rendition, and no original asked for yet.
  expect(await naturalWidth(page, '.photo-view img.preview')).toBe(1920)
  expect(originals).toEqual([])

  const zoomButton = view.getByRole('button', { name: '100 %' })
  await zoomButton.click()
  await expect(zoomButton).toHaveAttribute('aria-pressed', 'true')
  const original = view.locator('img.original')
  await expect(original).toHaveJSProperty('complete', true)
  expect(await naturalWidth(page, '.photo-view img.original')).toBe(CAMERA_WIDTH)
  expect(originals).toHaveLength(1)
  await saveScreen(page, testInfo, 'photos-zoom-100')

  // Dragging pans the photo; the arrow keys scroll it, they do not move to another photo.
  const zoom = view.locator('.photo-zoom')
  const scrolled = () => zoom.evaluate((element) => [element.scrollLeft, element.scrollTop])
  const [left, top] = await scrolled()
  const box = (await zoom.boundingBox()) as { x: number; y: number; width: number; height: number }
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2 - 150, box.y + box.height / 2 - 100, { steps: 5 })
  await page.mouse.up()
  await expect.poll(scrolled).toEqual([(left as number) + 150, (top as number) + 100])
  await expect(zoom).toBeVisible()
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('photo-position')).toHaveText(/^1 of /)

  // Escape fits it again (the view stays open); Z zooms and fits from the keyboard; a click fits too.
  await page.keyboard.press('Escape')
  await expect(original).toBeHidden()
  await expect(view.locator('img.preview')).toBeVisible()
  await page.keyboard.press('z')
  await expect(original).toBeVisible()
  await page.keyboard.press('z')
  await expect(original).toBeHidden()
  await view.locator('img.preview').click({ position: { x: 20, y: 20 } })
  await expect(original).toHaveJSProperty('complete', true)
  // Clicked near the top left corner: the zoom opens there.
  expect(await scrolled()).toEqual([0, 0])
  await zoom.click()
  await expect(original).toBeHidden()
  await page.keyboard.press('Escape')
  await expect(view).toBeHidden()
})

test('"Prepare all thumbnails" makes the whole card\'s as a job with its progress panel', async ({
  page,
}, testInfo) => {
  const card = path.join(e2eRoot(), 'PREPARE_CARD')
  await writeCardFixture(card, { nights: 3, perNight: 12, photoKb: 30, odd: false, startNight: '2024-09-01' })
  const photos = (await fsp.readdir(card, { recursive: true })).filter((name) => name.endsWith('.jpg'))
  await openPhotos(page, card)
  await page.getByRole('button', { name: 'Prepare all thumbnails' }).click()
  const panel = page.getByRole('region', { name: 'Thumbnails progress' })
  await expect(panel).toBeVisible()
  await expect(panel.getByTestId('job-status')).toHaveText('Done')
  await expect(panel).toContainText(`${photos.length} of ${photos.length}`)
  await expect(page.getByRole('button', { name: 'Prepare all thumbnails' })).toBeEnabled()
  await saveScreen(page, testInfo, 'photos-prepare-all')

  // The cache's section says what the thumbnails take, and its bound can be changed there.
  await page.getByText('Thumbnail cache').click()
  const usage = page.getByTestId('thumbnail-cache-usage')
  await expect(usage).toContainText(/used by \d+ images, of at most 2048 MiB/)
  await page.getByLabel('Keep at most (MiB)').fill('512')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(usage).toContainText('of at most 512 MiB')
  await saveScreen(page, testInfo, 'photos-cache-setting')
  await page.getByLabel('Keep at most (MiB)').fill('2048')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(usage).toContainText('of at most 2048 MiB')
})
