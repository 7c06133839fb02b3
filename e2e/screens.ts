import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { expect, type Page, type TestInfo } from '@playwright/test'

/** Where screenshots of each main screen are kept after a run (gitignored, not wiped by Playwright). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../test-results/e2e-screens')

export async function saveScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  await testInfo.attach(name, { path: file, contentType: 'image/png' })
}

/** Opens the app as a user does: the address `serve` printed, with the token. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('navigation', { name: 'Screens' }).waitFor()
}

export async function openScreen(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .click()
  await page.getByRole('heading', { level: 1, name }).waitFor()
}

/** Picks a source on the Sources screen (which then opens its dashboard). */
export async function useSource(page: Page, sourcePath: string): Promise<void> {
  await openScreen(page, 'Sources')
  await page
    .locator('li.source-row', { hasText: sourcePath })
    .first()
    .getByRole('button', { name: /Use|Open/ })
    .click()
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
}

/** Adds a folder as a destination on the Backup screen (it is then also remembered in the settings), ticked. */
export async function addDestination(page: Page, folder: string): Promise<void> {
  await page.getByLabel('Folder on a drive').fill(folder)
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(
    page.getByRole('checkbox', { name: new RegExp(folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }),
  ).toBeChecked()
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/** The serious and critical violations axe finds on the page (WCAG 2.0–2.2 A/AA), each as rule and elements. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 5)
          .map((node) => `${node.target.join(' ')} ${node.failureSummary ?? ''}`.trim())
          .join(' | ')}`,
    )
}
