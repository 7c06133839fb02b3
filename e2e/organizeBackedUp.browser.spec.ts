import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type APIRequestContext } from '@playwright/test'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import type { JobSnapshot } from '../src/shared/jobs.js'
import { OrganizeResultSchema } from '../src/shared/storage.js'
import { listFiles, sha256 } from './cardFiles.js'
import { E2E_TOKEN, e2eRoot, serveUrl, simulatedDrivesDir } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen, seriousViolations, useSource } from './screens.js'

/**
 * Organizing a card that is already backed up: the Organize screen says the backup keeps the old layout and
 * offers to apply the moves to it. With that ticked, the drive's copies follow the card into its night
 * folders, moved on the drive after a hash check, not copied a second time; with the drive unplugged,
 * nothing moves at all.
 */
test.describe.configure({ mode: 'serial' })

const CARD = 'ORGB_CARD'
const DRIVE = 'ORGB_DRIVE'
const plugged = (name: string) => path.join(simulatedDrivesDir(), name)
const outside = (name: string) => path.join(e2eRoot(), `unplugged-${name}`)
/** The card's files, or a backup's copy of them without the companion's own manifest and lock. */
const fieldFiles = async (root: string) =>
  (await listFiles(root)).filter((file) => !path.basename(file).startsWith('creaturebox-'))

test.beforeAll(async () => {
  await writeCardFixture(plugged(CARD), {
    nights: 2,
    perNight: 4,
    photoKb: 20,
    odd: false,
    layout: 'flat',
    device: 'orgbLuna',
  })
  await fsp.mkdir(plugged(DRIVE))
})
test.afterAll(async () => {
  for (const name of [CARD, DRIVE]) {
    await fsp.rm(plugged(name), { recursive: true, force: true })
    await fsp.rm(outside(name), { recursive: true, force: true })
  }
})

async function lastOrganize(request: APIRequestContext) {
  const answer = await request.post(new URL('/api/commands/jobs.list', serveUrl()).toString(), {
    headers: { Authorization: `Bearer ${E2E_TOKEN}` },
    data: {},
  })
  const jobs = (await answer.json()).value as JobSnapshot[]
  const job = jobs.filter((each) => each.kind === 'organize' && each.source === plugged(CARD)).at(-1)
  return OrganizeResultSchema.parse(job?.result)
}

test('organize with "apply to the backups" moves the drive’s copies to the new layout, copying nothing twice', async ({
  page,
  request,
}, testInfo) => {
  await openApp(page, serveUrl())
  await useSource(page, plugged(CARD))

  await openScreen(page, 'Backup')
  await page.getByRole('checkbox', { name: new RegExp(plugged(DRIVE)) }).check()
  await page.getByRole('button', { name: /^Start backup/ }).click()
  await expect(page.getByTestId('safe-to-remove')).toBeVisible()
  const [cardFolderName] = await fsp.readdir(plugged(DRIVE))
  const cardFolder = path.join(plugged(DRIVE), cardFolderName!)
  const flat = await fieldFiles(plugged(CARD))
  expect(await fieldFiles(cardFolder)).toEqual(flat)

  await openScreen(page, 'Organize')
  await page.getByRole('button', { name: 'Preview moves' }).click()
  const plan = page.getByTestId('organize-plan')
  const warning = plan.getByTestId('organize-backed-up')
  await expect(warning).toContainText(
    `This card is backed up to ${DRIVE}; the backups will still hold the old folder layout.`,
  )
  const apply = warning.getByRole('checkbox', { name: /Also apply these moves to the backups/ })
  await apply.check()
  await saveScreen(page, testInfo, 'organize-backed-up-warning')
  expect(await seriousViolations(page)).toEqual([])

  // The drive unplugged: refused in words before anything moves on the card.
  await fsp.rename(plugged(DRIVE), outside(DRIVE))
  await plan.getByRole('button', { name: /^Move \d+ files/ }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Organize did not start' })).toContainText(
    `Nothing was moved: The backup drive or folder ${plugged(DRIVE)} is not there (is it plugged in?)`,
  )
  expect(await fieldFiles(plugged(CARD))).toEqual(flat)

  await fsp.rename(outside(DRIVE), plugged(DRIVE))
  const moveButton = plan.getByRole('button', { name: /^Move \d+ files/ })
  const moves = Number(/\d+/.exec((await moveButton.textContent()) ?? '')?.[0])
  expect(moves).toBeGreaterThan(0)
  await moveButton.click()
  await expect(page.getByTestId('job-status')).toHaveText('Done')
  const applied = page.getByTestId('applied-to-backup')
  await expect(applied).toContainText(
    `${DRIVE}: ${moves} copies moved to the new layout, 0 new files copied, ${flat.length - moves} already in place`,
  )
  await saveScreen(page, testInfo, 'organize-applied-to-backup')

  // The drive's copy now mirrors the card's night folders, byte for byte.
  const organized = await fieldFiles(plugged(CARD))
  expect(organized).not.toEqual(flat)
  expect(organized.filter((file) => /^photos\/\d{4}-\d{2}-\d{2}\//.test(file))).toHaveLength(moves)
  expect(await fieldFiles(cardFolder)).toEqual(organized)
  for (const file of organized) {
    expect(await sha256(path.join(cardFolder, file)), file).toBe(await sha256(path.join(plugged(CARD), file)))
  }
  // Nothing was copied a second time: moved on the drive, each move recorded in the manifest.
  const result = await lastOrganize(request)
  const onDrive = result.backups?.destinations[0]
  expect(result.done).toBe(moves)
  expect(onDrive).toMatchObject({ copied: 0, moved: moves, bytesCopied: 0 })
  const manifestLines = (await fsp.readFile(path.join(cardFolder, 'creaturebox-manifest.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { movedTo?: string })
  expect(manifestLines.filter((line) => line.movedTo !== undefined)).toHaveLength(moves)

  // The job's details say the same, per drive.
  await openScreen(page, 'Jobs')
  const row = page.locator('.job-row', { hasText: `Organize ${plugged(CARD)} by night, then its backups` })
  await row.getByRole('button', { name: /^Details of Organize/ }).click()
  const details = page.getByRole('region', { name: /^Details of Organize/ })
  await expect(details).toContainText(
    `Drive ${plugged(DRIVE)}${moves} copies moved to the new layout, 0 new files copied`,
  )
})
