import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { isPhoto, listFiles, sha256 } from './cardFiles.js'
import { e2eRoot, serveUrl, simulatedDrivesDir } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen } from './screens.js'

/**
 * "Plug in, one click, safe": a card inserted and backed up once has its drive ticked the next time, one
 * button backs it up, and with automatic backup on the next insertion needs no click at all. Cards and
 * drives are folders moved into the simulated-drives folder (serve's test hook), as plugging them in.
 */
test.describe.configure({ mode: 'serial' })

const CARD = 'FIELD_CARD'
const DRIVE = 'BACKUP_ONE'
const outside = (name: string) => path.join(e2eRoot(), `unplugged-${name}`)
const plugged = (name: string) => path.join(simulatedDrivesDir(), name)

const plugIn = (name: string) => fsp.rename(outside(name), plugged(name))
const unplug = (name: string) => fsp.rename(plugged(name), outside(name))

/** Picks the inserted card on the Sources screen, where it appears on its own once plugged in. */
async function useInsertedCard(page: Page): Promise<void> {
  await openScreen(page, 'Sources')
  const row = page.locator('li.source-row', { hasText: plugged(CARD) })
  await expect(row).toContainText('CreatureBox card')
  await row.getByRole('button', { name: /Use|Open/ }).click()
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
}

/** The drive's copy of the card holds every photo of the card with the same bytes. */
async function expectCopyMatchesCard(): Promise<void> {
  const drive = plugged(DRIVE)
  const [cardFolder] = (await fsp.readdir(drive)).filter((name) => !name.startsWith('.'))
  const copyRoot = path.join(drive, cardFolder!)
  const copied = await listFiles(copyRoot)
  const card = (await fsp.stat(plugged(CARD)).catch(() => undefined)) ? plugged(CARD) : outside(CARD)
  for (const photo of (await listFiles(card)).filter(isPhoto)) {
    expect(copied, photo).toContain(photo)
    expect(await sha256(path.join(copyRoot, photo)), photo).toBe(await sha256(path.join(card, photo)))
  }
}

test.beforeAll(async () => {
  await writeCardFixture(outside(CARD), {
    nights: 2,
    perNight: 4,
    photoKb: 30,
    odd: false,
    device: 'swiftLuna',
  })
  await fsp.mkdir(outside(DRIVE))
  await plugIn(DRIVE)
  await plugIn(CARD)
})
test.afterAll(async () => {
  for (const name of [CARD, DRIVE]) await fsp.rm(plugged(name), { recursive: true, force: true })
})

test('a typed path is checked when added: a refusal says why next to the field, before Start', async ({
  page,
}, testInfo) => {
  await openApp(page, serveUrl())
  await useInsertedCard(page)
  await openScreen(page, 'Backup')
  const field = page.getByLabel('Folder on a drive')

  await field.fill('/etc')
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(field).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByRole('alert').filter({ hasText: 'Refused' })).toContainText(
    '/etc is a folder of the operating system',
  )
  // The refused text stays in the field to be corrected, and nothing was added or ticked.
  await expect(field).toHaveValue('/etc')
  await expect(page.getByRole('checkbox', { name: /^\/etc/ })).toHaveCount(0)

  const missing = path.join(e2eRoot(), 'NOT_PLUGGED_IN')
  await field.fill(missing)
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Refused' })).toContainText(
    /NOT_PLUGGED_IN is not there \(is it plugged in\?\)/,
  )
  await expect(page.getByRole('alert').filter({ hasText: 'Refused' })).toContainText(/NOT_PLUGGED_IN/)
  await expect(page.getByRole('button', { name: /^Start backup/ })).toBeDisabled()
  await expect(page.getByTestId('job-status')).toHaveCount(0)
  await saveScreen(page, testInfo, 'backup-refused-path')

  // Or browsed to, as a page can: the companion lists its home folder and removable drives.
  await page.getByRole('button', { name: 'Choose folder…' }).click()
  const browser = page.getByRole('dialog', { name: 'Choose a folder' })
  await browser.getByRole('list', { name: 'Folders' }).getByRole('button', { name: DRIVE }).click()
  await expect(browser.getByTestId('browser-at')).toHaveText(plugged(DRIVE))
  await saveScreen(page, testInfo, 'backup-folder-browser')
  await browser.getByRole('button', { name: 'Use this folder' }).click()
  await expect(field).toHaveValue(plugged(DRIVE))
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.getByRole('checkbox', { name: new RegExp(plugged(DRIVE)) })).toBeChecked()
  await expect(page.getByRole('button', { name: /^Start backup/ })).toBeEnabled()
})

test('a card backed up once has its drive ticked when inserted again, and one click backs it up verified', async ({
  page,
}, testInfo) => {
  await openApp(page, serveUrl())
  await useInsertedCard(page)
  await openScreen(page, 'Backup')
  // The simulated drive is offered like any removable drive, with its check's figures once ticked.
  const drive = page.getByRole('checkbox', { name: new RegExp(plugged(DRIVE)) })
  await drive.check()
  await expect(page.locator('li.destination-choice', { hasText: plugged(DRIVE) })).toContainText(
    /free, this card needs/,
  )
  await page.getByRole('button', { name: /^Start backup/ }).click()
  await expect(page.getByTestId('job-status')).toHaveText('Done')
  await expect(page.getByTestId('safe-to-remove')).toBeVisible()

  // Out, one more night of photos on the card, and in again: a new session of the app.
  await unplug(CARD)
  await writeCardFixture(outside(CARD), {
    nights: 1,
    perNight: 3,
    photoKb: 30,
    odd: false,
    device: 'swiftLuna',
    startNight: '2024-09-10',
  })
  await plugIn(CARD)
  await page.reload()
  await page.getByRole('navigation', { name: 'Screens' }).waitFor()
  await useInsertedCard(page)
  await openScreen(page, 'Backup')
  await expect(page.getByRole('checkbox', { name: new RegExp(plugged(DRIVE)) })).toBeChecked()
  const oneClick = page.getByRole('button', { name: `Back up to ${DRIVE}` })
  await expect(oneClick).toBeEnabled()
  // The Start button's count is what is ticked and shown: one drive.
  await expect(page.getByRole('button', { name: /^Start backup/ })).toHaveText('Start backup')
  await saveScreen(page, testInfo, 'backup-remembered-drive')
  await oneClick.click()
  await expect(page.getByRole('region', { name: 'Backup progress' })).toBeFocused()
  await expect(page.getByTestId('job-status')).toHaveText('Done')
  await expect(page.getByTestId('backup-outcome')).toContainText('verified on every drive')
  await expect(page.getByTestId('safe-to-remove')).toBeVisible()
  // The new night was copied; what the first run verified was not copied again.
  await expect(page.getByTestId('verified-counts')).toContainText(
    /\b[1-9]\d* copied and verified, [1-9]\d* already verified/,
  )
  await expectCopyMatchesCard()
  await saveScreen(page, testInfo, 'backup-one-click-done')

  // Nothing new on a re-run: said in words, not "0 B of 0 B".
  await oneClick.click()
  await expect(page.getByTestId('backup-outcome')).toContainText(
    /Nothing new: all \d+ files of the card were already verified/,
  )
})

test('with automatic backup on, inserting the card backs it up with no click', async ({ page }, testInfo) => {
  await openApp(page, serveUrl())
  await useInsertedCard(page)
  await openScreen(page, 'Backup')
  const automatic = page.getByRole('checkbox', { name: /Back up this card on its own when it is inserted/ })
  await expect(automatic).not.toBeChecked()
  await automatic.click()
  await expect(automatic).toBeChecked()

  await unplug(CARD)
  await writeCardFixture(outside(CARD), {
    nights: 1,
    perNight: 2,
    photoKb: 30,
    odd: false,
    device: 'swiftLuna',
    startNight: '2024-09-20',
  })
  // The app has seen the card go (it leaves the Sources list) before it comes back in.
  await openScreen(page, 'Sources')
  await expect(page.locator('li.source-row', { hasText: plugged(CARD) })).toHaveCount(0)
  await openScreen(page, 'Jobs')
  await plugIn(CARD)
  const row = page.locator('.job-row', { hasText: `Automatic backup of ${plugged(CARD)}` })
  await expect(row).toHaveAttribute('data-status', 'completed')
  await expect(row.getByTestId('job-outcome')).toHaveCount(0)
  await expectCopyMatchesCard()
  // The row opens into the job's details: its card, its drive with the manifest, how long it took.
  await row.getByRole('button', { name: /^Details of Automatic backup/ }).click()
  const details = page.getByRole('region', { name: /^Details of Automatic backup/ })
  await expect(details).toContainText(`Source${plugged(CARD)}`)
  await expect(details).toContainText(`Drive ${plugged(DRIVE)}`)
  await expect(details).toContainText(/Manifest: .*creaturebox-manifest\.jsonl/)
  await expect(details).toContainText('Duration')
  await saveScreen(page, testInfo, 'jobs-automatic-backup')
})
