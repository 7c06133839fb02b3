import fsp from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { e2eRoot, serveUrl } from './e2eEnvironment.js'
import { openApp, openScreen, saveScreen, useSource } from './screens.js'

test('a Raspberry Pi card added as a source says which box folder is read, and counts only its photos', async ({
  page,
}, testInfo) => {
  // A Pi system card's rootfs as a laptop shows it: the system's folders with the box's folder deep inside.
  const rootfs = path.join(e2eRoot(), 'pi-rootfs')
  await fsp.rm(rootfs, { recursive: true, force: true })
  for (const folder of ['etc', 'usr/bin', 'home/pi'])
    await fsp.mkdir(path.join(rootfs, folder), { recursive: true })
  await fsp.writeFile(path.join(rootfs, 'usr/bin/camera.jpg'), 'not a photo of this box')
  const boxFolder = path.join(rootfs, 'home/pi/CreatureBox')
  const card = await writeCardFixture(boxFolder, { nights: 1, perNight: 4, photoKb: 20, odd: false })

  await openApp(page, serveUrl())
  await openScreen(page, 'Sources')
  await page.getByLabel('Add a folder').fill(rootfs)
  await page.getByRole('button', { name: 'Add' }).first().click()
  await useSource(page, rootfs)

  await expect(page.getByTestId('photo-count')).toHaveText(String(card.photos))
  await expect(page.locator('.picked-folder').first()).toContainText(`using the box's folder ${boxFolder}`)
  await saveScreen(page, testInfo, 'pi-card-dashboard')
})
