import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { isPhoto, listFiles } from './cardFiles.js'
import { e2eRoot, serveUrl, simulatedDrivesDir } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen, seriousViolations, useSource } from './screens.js'

/**
 * Cleanup "everything verified on all of my drives", as a user goes through it: a card backed up to two
 * drives, then a new night backed up to one of them only. With both drives required, the new night's photos
 * stay (not on the second drive, said per drive); with the second drive unplugged nothing is deleted at all.
 */
test.describe.configure({ mode: 'serial' })

const CARD = 'ALLV_CARD'
const DRIVE_A = 'ALLV_A'
const DRIVE_B = 'ALLV_B'
const plugged = (name: string) => path.join(simulatedDrivesDir(), name)
const outside = (name: string) => path.join(e2eRoot(), `unplugged-${name}`)

test.beforeAll(async () => {
  await writeCardFixture(plugged(CARD), {
    nights: 2,
    perNight: 3,
    photoKb: 20,
    odd: false,
    device: 'allvLuna',
    startNight: '2024-09-01',
  })
  await Promise.all([fsp.mkdir(plugged(DRIVE_A)), fsp.mkdir(plugged(DRIVE_B))])
})
test.afterAll(async () => {
  for (const name of [CARD, DRIVE_A, DRIVE_B]) {
    await fsp.rm(plugged(name), { recursive: true, force: true })
    await fsp.rm(outside(name), { recursive: true, force: true })
  }
})

const driveBox = (page: Page, name: string) =>
  page.getByRole('checkbox', { name: new RegExp(plugged(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })

async function backUpTo(page: Page, ticked: string[], remembered: string[] = []): Promise<void> {
  await openScreen(page, 'Backup')
  // The card's remembered drives are checked and ticked on their own: wait for that before changing ticks.
  for (const name of remembered) await expect(driveBox(page, name)).toBeChecked()
  for (const name of [DRIVE_A, DRIVE_B]) {
    await driveBox(page, name).setChecked(ticked.includes(name))
  }
  await expect(page.getByRole('button', { name: /^Start backup/ })).toHaveText(
    ticked.length > 1 ? `Start backup to ${ticked.length} drives` : 'Start backup',
  )
  await page.getByRole('button', { name: /^Start backup/ }).click()
  // This run's result (the previous one may still be on screen while it starts): the drives ticked, no other.
  const result = page.getByTestId('backup-result')
  await expect(result.locator('li.destination')).toHaveCount(ticked.length)
  for (const name of ticked) await expect(result).toContainText(plugged(name))
  await expect(page.getByTestId('job-status')).toHaveText('Done')
  await expect(page.getByTestId('safe-to-remove')).toBeVisible()
}

test('only photos verified on every drive named are deleted; the rest stay with each drive’s reason', async ({
  page,
}, testInfo) => {
  await openApp(page, serveUrl())
  await useSource(page, plugged(CARD))

  await backUpTo(page, [DRIVE_A, DRIVE_B])
  const backedUpTwice = (await listFiles(plugged(CARD))).filter(isPhoto)
  // A new night on the card, backed up to A only (B stayed at the station).
  await writeCardFixture(plugged(CARD), {
    nights: 1,
    perNight: 3,
    photoKb: 20,
    odd: false,
    device: 'allvLuna',
    startNight: '2024-09-05',
  })
  const newNight = (await listFiles(plugged(CARD))).filter(isPhoto).filter((p) => !backedUpTwice.includes(p))
  expect(newNight).toHaveLength(3)
  await backUpTo(page, [DRIVE_A], [DRIVE_A, DRIVE_B])

  await openScreen(page, 'Cleanup')
  await page.getByRole('radio', { name: 'Everything verified on all of my drives' }).check()
  // The card's own drive (its last backup) comes ticked; the user adds the second one.
  await expect(driveBox(page, DRIVE_A)).toBeChecked()
  await expect(driveBox(page, DRIVE_B)).not.toBeChecked()
  await driveBox(page, DRIVE_B).check()
  await page.getByRole('button', { name: 'Preview cleanup' }).click()
  const plan = page.getByTestId('cleanup-plan')
  await expect(plan.getByTestId('plan-delete-count')).toHaveText(String(backedUpTwice.length))
  await expect(plan.getByTestId('plan-refused-count')).toHaveText(String(newNight.length))
  await expect(plan.getByTestId('plan-candidates')).toContainText('only those verified on all 2 drives go')
  const kept = plan.getByRole('list', { name: 'Refused photos' })
  await expect(kept).toContainText(
    `not verified on every drive: ${plugged(DRIVE_B)}: not in any backup; ${plugged(DRIVE_A)}: verified`,
  )
  await saveScreen(page, testInfo, 'cleanup-all-drives-plan')
  expect(await seriousViolations(page)).toEqual([])

  // Drive B unplugged while the plan is on screen: B stays listed and ticked (it is not quietly dropped from
  // the drives required), and Delete, pressed on the old plan, deletes nothing for lack of it and says so.
  await fsp.rename(plugged(DRIVE_B), outside(DRIVE_B))
  await page.waitForTimeout(2500) // the drive watcher polls every second: let the page hear of it
  await expect(driveBox(page, DRIVE_B)).toBeChecked()
  await page.getByRole('button', { name: new RegExp(`^Delete ${backedUpTwice.length} photos`) }).click()
  await expect(
    page
      .getByText(`Nothing was deleted: ${plugged(DRIVE_B)} is not there (is the drive plugged in?)`)
      .first(),
  ).toBeVisible()
  expect((await listFiles(plugged(CARD))).filter(isPhoto)).toHaveLength(
    backedUpTwice.length + newNight.length,
  )
  await page.getByRole('button', { name: 'Preview cleanup' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Preview failed' })).toContainText(
    `Nothing was deleted: ${plugged(DRIVE_B)} is not there (is the drive plugged in?)`,
  )
  await saveScreen(page, testInfo, 'cleanup-all-drives-missing')
  expect((await listFiles(plugged(CARD))).filter(isPhoto)).toHaveLength(
    backedUpTwice.length + newNight.length,
  )

  await fsp.rename(outside(DRIVE_B), plugged(DRIVE_B))
  await expect(driveBox(page, DRIVE_B)).toBeVisible()
  await driveBox(page, DRIVE_B).setChecked(true)
  await page.getByRole('button', { name: 'Preview cleanup' }).click()
  await page.getByRole('button', { name: new RegExp(`^Delete ${backedUpTwice.length} photos`) }).click()
  await expect(page.getByTestId('job-status')).toHaveText(`Incomplete (${newNight.length} problems)`)
  await expect(page.getByTestId('cleanup-result')).toContainText(
    `Deleted ${backedUpTwice.length} photos, freed`,
  )
  await expect(page.getByTestId('cleanup-result')).toContainText(
    `${newNight.length} kept (not verified on every drive)`,
  )
  await saveScreen(page, testInfo, 'cleanup-all-drives-done')
  expect((await listFiles(plugged(CARD))).filter(isPhoto).sort()).toEqual([...newNight].sort())
  // Both drives keep every copy they had.
  for (const name of [DRIVE_A, DRIVE_B]) {
    const [cardFolder] = await fsp.readdir(plugged(name))
    const copies = await listFiles(path.join(plugged(name), cardFolder!))
    for (const photo of backedUpTwice) expect(copies, name).toContain(photo)
  }
})
