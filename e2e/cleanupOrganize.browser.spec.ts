import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { isPhoto, listFiles } from './cardFiles.js'
import { cardPath, e2eRoot, serveUrl } from './e2eEnvironment.js'
import { addDestination, openApp, openScreen, saveScreen, useSource } from './screens.js'

test('cleanup shows its dry-run plan, refuses a photo without a backup, and deletes only after confirming', async ({
  page,
}, testInfo) => {
  const card = cardPath('cleanup')
  const drive = path.join(e2eRoot(), 'DRIVE_CLEAN')
  await fsp.mkdir(drive)
  await openApp(page, serveUrl())
  await useSource(page, card)

  await openScreen(page, 'Backup')
  await addDestination(page, drive)
  await page.getByRole('button', { name: /^Start backup/ }).click()
  await expect(page.getByTestId('job-status')).toHaveText('Done')

  // A photo the box took after the backup: it has no verified copy, so cleanup must keep it.
  const before = await listFiles(card)
  const firstPhoto = before.find(isPhoto)!
  const late = path.join(path.dirname(firstPhoto), 'adeptTurca_2024_09_02__03_00_00_HDR0.jpg')
  await fsp.copyFile(path.join(card, firstPhoto), path.join(card, late))
  const photos = before.filter(isPhoto)

  await openScreen(page, 'Cleanup')
  for (const box of await page.getByRole('checkbox').all()) {
    const label = (await box.locator('xpath=..').textContent()) ?? ''
    if (!label.includes('DRIVE_CLEAN')) await box.uncheck()
  }
  await page.getByLabel('Keep the last').fill('0')
  await page.getByRole('button', { name: 'Preview cleanup' }).click()
  const plan = page.getByTestId('cleanup-plan')
  await expect(plan.getByTestId('plan-delete-count')).toHaveText(String(photos.length))
  await expect(plan.getByTestId('plan-refused-count')).toHaveText('1')
  await expect(plan.getByRole('list', { name: 'Refused photos' })).toContainText(late)
  await saveScreen(page, testInfo, 'cleanup-plan')
  // The preview deleted nothing.
  expect(await listFiles(card)).toEqual([...before, late].sort())

  await page.getByRole('button', { name: new RegExp(`^Delete ${photos.length} photos`) }).click()
  // The photo kept for lack of a backup is a problem the user must see, not a plain "Done".
  await expect(page.getByTestId('job-status')).toHaveText('Incomplete (1 problem)')
  await expect(page.getByTestId('cleanup-result')).toContainText(`Deleted ${photos.length} photos`)
  await saveScreen(page, testInfo, 'cleanup-done')

  const left = (await listFiles(card)).filter(isPhoto)
  expect(left).toEqual([late])
  const [cardFolder] = await fsp.readdir(drive)
  const copies = await listFiles(path.join(drive, cardFolder!))
  for (const photo of photos) expect(copies).toContain(photo)
})

test('organize previews the moves, files photos by night, and undo restores the card', async ({
  page,
}, testInfo) => {
  const card = cardPath('organize')
  const original = await listFiles(card)
  expect(original.filter(isPhoto).every((file) => /^photos\/[^/]+$/.test(file))).toBe(true)

  await openApp(page, serveUrl())
  await useSource(page, card)
  await openScreen(page, 'Organize')
  // Nothing organized yet: undo has nothing to do, and says so calmly, not as a failure.
  await page.getByRole('button', { name: 'Preview undo of the last organize' }).click()
  await expect(page.getByTestId('plan-move-count')).toHaveText('There is no organize to undo.')
  await expect(page.getByRole('alert')).toHaveCount(0)
  await page.getByRole('radio', { name: /By night/ }).check()
  await page.getByRole('button', { name: 'Preview moves' }).click()
  const plan = page.getByTestId('organize-plan')
  await expect(plan.getByTestId('plan-move-count')).toContainText('files to move')
  // Summarised per folder, each folder opening to its moves.
  const folders = plan.getByRole('list', { name: 'Moves by folder' })
  await expect(folders).toContainText(/photos\/2024-09-01: \d+ files/)
  await folders.getByText('photos/2024-09-01', { exact: true }).click()
  await expect(plan.getByRole('list', { name: 'Moves into photos/2024-09-01' })).toContainText(
    '→ photos/2024-09-01/',
  )
  expect(await listFiles(card)).toEqual(original)
  await saveScreen(page, testInfo, 'organize-plan')

  await plan.getByRole('button', { name: /^Move \d+ files/ }).click()
  await expect(page.getByTestId('job-status')).toHaveText('Done')
  await expect(page.getByTestId('organize-result')).toContainText('Moved')
  const organized = (await listFiles(card)).filter(isPhoto)
  expect(organized.length).toBe(original.filter(isPhoto).length)
  expect(organized.every((file) => /^photos\/\d{4}-\d{2}-\d{2}\/[^/]+$/.test(file))).toBe(true)

  await page.getByRole('button', { name: 'Preview undo of the last organize' }).click()
  await expect(page.getByTestId('organize-plan')).toContainText('Undo plan')
  await expect(page.getByTestId('undo-direction')).toContainText('back to where they were')
  const back = page.getByRole('list', { name: 'Moves by folder' })
  await expect(back).toContainText(/^photos: \d+ files/)
  await back.getByText('photos', { exact: true }).click()
  await expect(page.getByRole('list', { name: 'Moves into photos' })).toContainText(
    /photos\/2024-09-01\/\S+ → photos\/adeptTurca/,
  )
  await page.getByRole('button', { name: /^Undo \d+ files/ }).click()
  await expect(page.getByTestId('organize-result')).toContainText('Restored')
  expect((await listFiles(card)).filter(isPhoto)).toEqual(original.filter(isPhoto))
})
