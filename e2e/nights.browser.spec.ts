import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { isPhoto, listFiles } from './cardFiles.js'
import { e2eRoot, serveUrl } from './e2eEnvironment.js'
import { addDestination, openApp, openScreen, saveScreen, useSource } from './screens.js'

/**
 * Nights as the user sees them: the chart's tooltip says "gap" only on a night without photos, a bar opens
 * its night, and Cleanup frees exactly the nights picked (no day arithmetic against today: the card is
 * from 2024).
 */
test('the chart says gap only on an empty night, a bar opens its night, and cleanup frees the nights picked', async ({
  page,
}, testInfo) => {
  const card = path.join(e2eRoot(), 'NIGHTS_CARD')
  const drive = path.join(e2eRoot(), 'DRIVE_NIGHTS')
  // Nights 2024-09-01 and 02, then 04: the night of 2024-09-03 has no photos.
  await writeCardFixture(card, { nights: 2, perNight: 4, photoKb: 20, odd: false, startNight: '2024-09-01' })
  await writeCardFixture(card, { nights: 1, perNight: 4, photoKb: 20, odd: false, startNight: '2024-09-04' })
  await fsp.mkdir(drive)

  await openApp(page, serveUrl())
  await openScreen(page, 'Sources')
  await page.getByLabel('Add a folder').fill(card)
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await useSource(page, card)

  // Back the card up first: cleanup deletes only what a drive holds verified.
  await openScreen(page, 'Backup')
  await addDestination(page, drive)
  await page.getByRole('button', { name: /^Start backup/ }).click()
  await expect(page.getByTestId('job-status')).toHaveText('Done')

  await openScreen(page, 'Dashboard')
  const chart = page.getByTestId('nights-chart')
  await expect(chart.locator('.bar-photos .recharts-rectangle').first()).toBeVisible()
  await chart.locator('.bar-photos .recharts-rectangle').first().hover()
  const tooltip = page.getByTestId('night-tooltip')
  await expect(tooltip).toContainText('2024-09-01')
  await expect(tooltip).toContainText(/\d+ photos/)
  await expect(tooltip).not.toContainText('gap')
  await chart.locator('.bar-gap .recharts-rectangle').first().hover()
  await expect(tooltip).toContainText('2024-09-03')
  await expect(tooltip).toContainText('gap: no photos this night')
  await saveScreen(page, testInfo, 'dashboard-tooltip-gap')

  // The table beside the chart says the same, for keyboards and screen readers.
  await page.getByText('Photos per night as a table').click()
  const table = page.getByRole('table', { name: 'Photos per night' })
  await expect(table.getByRole('row', { name: /2024-09-03/ })).toContainText('0 (gap)')

  await chart.locator('.bar-photos .recharts-rectangle').first().click()
  const night = page.getByRole('region', { name: 'Night of 2024-09-01' })
  await expect(night).toBeVisible()
  const photosThatNight = Number((await night.textContent())?.match(/(\d+) photos/)?.[1])
  expect(photosThatNight).toBeGreaterThan(0)
  await night.getByRole('button', { name: 'Clean up this night' }).click()

  await page.getByRole('heading', { level: 1, name: 'Cleanup' }).waitFor()
  await expect(page.getByRole('radio', { name: 'These nights' })).toBeChecked()
  await expect(page.getByRole('checkbox', { name: /2024-09-01/ })).toBeChecked()
  await expect(page.getByRole('checkbox', { name: /2024-09-02/ })).not.toBeChecked()
  for (const box of await page.getByRole('group', { name: 'What to free' }).getByRole('checkbox').all()) {
    const label = (await box.locator('xpath=..').textContent()) ?? ''
    if (label.includes('/') && !label.includes('DRIVE_NIGHTS')) await box.uncheck()
  }
  await page.getByRole('button', { name: 'Preview cleanup' }).click()
  const plan = page.getByTestId('cleanup-plan')
  await expect(plan.getByTestId('plan-delete-count')).toHaveText(String(photosThatNight))
  await expect(plan.getByTestId('plan-refused-count')).toHaveText('0')
  await expect(plan.getByTestId('plan-candidates')).toContainText('nights of 2024-09-01')
  await saveScreen(page, testInfo, 'cleanup-by-night')

  const before = (await listFiles(card)).filter(isPhoto)
  await page.getByRole('button', { name: new RegExp(`^Delete ${photosThatNight} photos`) }).click()
  await expect(page.getByTestId('job-status')).toHaveText('Done')
  const after = (await listFiles(card)).filter(isPhoto)
  // Only that night's photos went: noon of 09-01 to noon of 09-02.
  const gone = before.filter((photo) => !after.includes(photo))
  expect(gone).toHaveLength(photosThatNight)
  for (const photo of gone) expect(photo).toMatch(/2024_09_0[12]__/)
  expect(after.some((photo) => /2024_09_0[45]__/.test(photo))).toBe(true)
})
