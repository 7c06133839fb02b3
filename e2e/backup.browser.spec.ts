import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { isPhoto, listFiles, sha256 } from './cardFiles.js'
import { cardPath, e2eRoot, serveUrl } from './e2eEnvironment.js'
import { addDestination, openApp, openScreen, saveScreen, useSource } from './screens.js'

/**
 * Unplugged: the folder moves away at once (as an unmount takes the whole tree) and a file takes its place,
 * so nothing can be written under that path again. The backup may recreate the folder in between; then the
 * move is repeated.
 */
async function unplug(folder: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await fsp.rename(folder, `${folder}-unplugged-${attempt}`)
    try {
      return await fsp.writeFile(folder, 'not a drive', { flag: 'wx' })
    } catch (error) {
      if (attempt >= 20) throw error
    }
  }
}

const percentOf = async (page: Page) =>
  Number((await page.getByTestId('job-percent').textContent())?.replace(/\D/g, '') || 0)

test('a backup runs to 100 % and every photo at the destination matches the card by hash', async ({
  page,
}, testInfo) => {
  const card = cardPath('dashboard')
  const destination = path.join(e2eRoot(), 'DRIVE_A')
  await fsp.mkdir(destination)

  await openApp(page, serveUrl())
  await useSource(page, card)
  await openScreen(page, 'Backup')
  await addDestination(page, destination)
  await page.getByRole('button', { name: /^Start backup/ }).click()

  const progress = page.getByRole('progressbar', { name: 'Backup progress' })
  await expect(progress).toHaveAttribute('aria-valuenow', '100')
  await expect(page.getByTestId('job-status')).toHaveText('Done')
  const result = page.getByTestId('backup-result')
  const cardFiles = await listFiles(card)
  const photos = cardFiles.filter(isPhoto)
  await expect(result.getByTestId('verified-counts')).toContainText(`${cardFiles.length} copied and verified`)
  const panel = page.getByRole('region', { name: 'Backup progress' })
  await expect(panel.getByText(`${cardFiles.length} of ${cardFiles.length}`)).toBeVisible()
  await expect(panel.getByText('Speed')).toBeVisible()
  const manifest = await result.getByTestId('manifest-path').textContent()
  expect(manifest).toContain(destination)
  await saveScreen(page, testInfo, 'backup-done')

  // The copy, checked independently of the companion: same files, same bytes.
  const [cardFolder] = await fsp.readdir(destination)
  const copyRoot = path.join(destination, cardFolder!)
  const copied = await listFiles(copyRoot)
  for (const photo of photos) {
    expect(copied, photo).toContain(photo)
    expect(await sha256(path.join(copyRoot, photo)), photo).toBe(await sha256(path.join(card, photo)))
  }
  await fsp.access(manifest!.trim())

  // The run is kept when the user looks elsewhere and comes back.
  await openScreen(page, 'Dashboard')
  await openScreen(page, 'Backup')
  await expect(page.getByTestId('backup-result')).toBeVisible()
})

test('a running backup can be cancelled, and says so', async ({ page }) => {
  const destination = path.join(e2eRoot(), 'DRIVE_CANCEL')
  await fsp.mkdir(destination)
  await openApp(page, serveUrl())
  await useSource(page, cardPath('big'))
  await openScreen(page, 'Backup')
  await addDestination(page, destination)
  await page.getByRole('button', { name: /^Start backup/ }).click()
  await expect(page.getByTestId('job-status')).toHaveText('Running')
  await page.getByRole('button', { name: 'Cancel', exact: true }).click()
  await expect(page.getByTestId('job-status')).toHaveText('Cancelled')
  await expect(page.getByText('Stopped on request')).toBeVisible()
  expect(await percentOf(page)).toBeLessThan(100)
  // No half-written file is left under its final name.
  const copies = await listFiles(destination)
  expect(copies.filter((file) => file.endsWith('.creaturebox-partial'))).toEqual([])
})

test('a drive removed during a backup is reported in words, and the other drive completes', async ({
  page,
}, testInfo) => {
  const kept = path.join(e2eRoot(), 'DRIVE_KEPT')
  const pulled = path.join(e2eRoot(), 'DRIVE_PULLED')
  await fsp.mkdir(kept)
  await fsp.mkdir(pulled)
  await openApp(page, serveUrl())
  await useSource(page, cardPath('big'))
  await openScreen(page, 'Backup')
  await addDestination(page, kept)
  await addDestination(page, pulled)
  await page.getByRole('button', { name: /^Start backup to 2 drives/ }).click()
  await expect.poll(() => percentOf(page)).toBeGreaterThan(0)

  await unplug(pulled)

  // One drive missed the photos: the run completed, but it must not say "Done".
  await expect(page.getByTestId('job-status')).toHaveText('Incomplete (1 problem)')
  await expect(page.getByTestId('backup-outcome')).toContainText('Incomplete: 1 problem')
  const result = page.getByTestId('backup-result')
  const pulledEntry = result.locator('li.destination', { hasText: pulled })
  await expect(pulledEntry.getByRole('alert')).toContainText(
    /This drive stopped: Writing to .*DRIVE_PULLED failed .*unplugged/,
  )
  await expect(pulledEntry).not.toContainText(/\bat \S+:\d+:\d+/)
  const keptEntry = result.locator('li.destination', { hasText: kept })
  await expect(keptEntry.getByRole('alert')).toHaveCount(0)
  await saveScreen(page, testInfo, 'backup-drive-removed')
})

test('a backup to a drive unplugged before the start is refused at once, in words, with no job started', async ({
  page,
}) => {
  const gone = path.join(e2eRoot(), 'DRIVE_GONE')
  await fsp.mkdir(gone)
  await openApp(page, serveUrl())
  await useSource(page, cardPath('dashboard'))
  await openScreen(page, 'Backup')
  await addDestination(page, gone)
  await fsp.rm(gone, { recursive: true })
  await page.getByRole('button', { name: /^Start backup/ }).click()
  const failure = page.getByRole('alert').filter({ hasText: 'Backup did not start' })
  await expect(failure).toContainText(/DRIVE_GONE .*not there/)
  await expect(failure).not.toContainText(/\bat \S+:\d+:\d+/)
  await expect(page.getByTestId('job-status')).toHaveCount(0)
})

test('the jobs screen lists runs with their status and clears finished ones', async ({ page }, testInfo) => {
  await openApp(page, serveUrl())
  await openScreen(page, 'Jobs')
  const list = page.getByRole('list', { name: 'Jobs' })
  await expect(list.locator('.job-row[data-status="completed"]').first()).toBeVisible()
  await expect(list.locator('.job-row[data-status="cancelled"]').first()).toBeVisible()
  // The run that lost a drive completed, but must never read as plainly done.
  await expect(list.getByTestId('job-outcome').first()).toContainText(/incomplete: 1 problem/)
  await saveScreen(page, testInfo, 'jobs')
  await page.getByLabel('Clear').selectOption({ label: 'all finished jobs' })
  await page.getByRole('button', { name: 'Clear', exact: true }).click()
  await expect(page.getByRole('status')).toContainText(/Removed \d+ jobs/)
  await expect(page.getByText('No jobs yet.')).toBeVisible()
})
