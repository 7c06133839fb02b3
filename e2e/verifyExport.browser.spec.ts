import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { isPhoto, listFiles } from './cardFiles.js'
import { cardPath, e2eRoot, serveUrl } from './e2eEnvironment.js'
import { addDestination, openApp, openScreen, saveScreen, useSource } from './screens.js'

test('after a backup, Verify re-reads the drive and names a changed copy, also from the drive list; Export writes a Camtrap DP package and remembers the place', async ({
  page,
}, testInfo) => {
  const card = cardPath('dashboard')
  const drive = path.join(e2eRoot(), 'DRIVE_VERIFY')
  await fsp.mkdir(drive)
  await openApp(page, serveUrl())
  await useSource(page, card)
  await openScreen(page, 'Backup')
  await addDestination(page, drive)
  await page.getByRole('button', { name: /^Start backup/ }).click()
  // Drives ticked by earlier tests may take this card too: this test looks at its own drive's part only.
  const result = page.getByTestId('backup-result').locator('li.destination', { hasText: drive })
  await expect(result).toBeVisible()

  const verify = result.getByTestId('verify-drive')
  await verify.getByRole('button', { name: 'Verify' }).click()
  await expect(verify.getByTestId('verify-report')).toContainText(/\d+ ok, 0 changed, 0 missing, 0 unlisted/)
  await expect(verify.getByTestId('verify-report')).toContainText('read from the drive itself')

  // Someone (or a failing drive) changes a copy: Verify again names it.
  const [cardFolderName] = await fsp.readdir(drive)
  const cardFolder = path.join(drive, cardFolderName!)
  const copies = (await listFiles(cardFolder)).filter(isPhoto)
  const sizes = await Promise.all(
    copies.map(async (file) => (await fsp.stat(path.join(cardFolder, file))).size),
  )
  const victim = copies[sizes.findIndex((size) => size > 1000)]!
  const bytes = await fsp.readFile(path.join(cardFolder, victim))
  bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff
  await fsp.writeFile(path.join(cardFolder, victim), bytes)
  await verify.getByRole('button', { name: 'Verify again' }).click()
  const report = verify.getByTestId('verify-report')
  await expect(report).toContainText('1 changed')
  await expect(report.getByRole('listitem')).toContainText([`changed ${victim.split(path.sep).join('/')}`])
  await expect(verify.getByTestId('job-status')).toHaveText('Incomplete (1 problem)')
  await saveScreen(page, testInfo, 'backup-verify-changed')

  // Later, without a new backup: the drive's row in "Back up to" verifies everything the drive holds.
  const row = page.locator('li.destination-choice', { hasText: drive })
  await row.getByRole('button', { name: `Verify ${drive}`, exact: true }).click()
  await expect(row.getByTestId('verify-report')).toContainText('1 changed, 0 missing, 0 unlisted')

  const exportAction = result.getByTestId('export-camtrap')
  await exportAction.getByRole('button', { name: 'Export Camtrap DP…' }).click()
  const form = exportAction.getByRole('form', { name: 'Export Camtrap DP' })
  await form.getByLabel('Latitude').fill('123')
  await form.getByLabel('Longitude').fill('-79.85')
  await form.getByLabel("Box's time zone").fill('America/Panama')
  await form.getByRole('button', { name: 'Export' }).click()
  await expect(exportAction.getByRole('alert')).toContainText('latitude must be between -90 and 90')
  await form.getByLabel('Latitude').fill('9.15')
  await saveScreen(page, testInfo, 'backup-export-dialog')
  await form.getByRole('button', { name: 'Export' }).click()
  await expect(exportAction.getByTestId('export-result')).toContainText('Camtrap DP package written')
  const packageDir = `${cardFolder}-camtrap-dp`
  expect((await fsp.readdir(packageDir)).sort()).toEqual([
    'datapackage.json',
    'deployments.csv',
    'media.csv',
    'observations.csv',
  ])

  // The next export of this box offers the place and zone again.
  await exportAction.getByRole('button', { name: 'Export Camtrap DP…' }).click()
  await expect(form.getByLabel('Latitude')).toHaveValue('9.15')
  await expect(form.getByLabel("Box's time zone")).toHaveValue('America/Panama')
  // The folder now holds the package: a second export there is refused and nothing is overwritten.
  await form.getByRole('button', { name: 'Export' }).click()
  await expect(exportAction.getByRole('alert')).toContainText('is not empty')
})
