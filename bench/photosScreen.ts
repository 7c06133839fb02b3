// The first screen of a 2 000-photo night on the Photos screen, thumbnails already cached: the time from
// choosing the night to every thumbnail in view painted, in Debian's Chromium against `creaturebox serve`
// (npm run build first). Measured, never asserted: the target is ≤ 1 s. Median of BENCH_RUNS.
import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { startServe } from '../e2e/serveProcess.js'
import { median } from './measure.js'

const runs = Number(process.env['BENCH_RUNS'] ?? 3)
const perNight = Number(process.env['BENCH_NIGHT_PHOTOS'] ?? 2000)
const cli = fileURLToPath(new URL('../bin/creaturebox.js', import.meta.url))
const TOKEN = 'bench-token-0123456789abcdef'

/**
 * Runs in the page: picks the big night and waits until every thumbnail tile in view holds a decoded image.
 * A string, because tsx would add helpers to a function that the page does not have.
 */
const FIRST_SCREEN_SCRIPT = `(async () => {
  const select = document.querySelector('select[aria-label="Night"]')
  const started = performance.now()
  select.value = '2024-09-01'
  select.dispatchEvent(new Event('change', { bubbles: true }))
  for (;;) {
    await new Promise((resolve) => requestAnimationFrame(resolve))
    const box = document.querySelector('.photo-grid')?.getBoundingClientRect()
    const tiles = [...document.querySelectorAll('.photo-grid .photo-open')]
    const inView = tiles.filter((tile) => box && tile.getBoundingClientRect().top < box.bottom)
    const painted = inView.filter((tile) => {
      const image = tile.querySelector('img')
      return image !== null && image.complete && image.naturalWidth > 0
    })
    if (inView.length > 10 && painted.length === inView.length) return (performance.now() - started) / 1000
    if (performance.now() - started > 30000) throw new Error('the first screen never finished painting')
  }
})()`

const dir = await fsp.mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'creaturebox-photos-'))
try {
  console.log(`Generating a card with a night of ${perNight} photos and one of 10…`)
  const card = path.join(dir, 'CARD')
  await writeCardFixture(card, { nights: 1, perNight, photoKb: 40, embeddedPreviews: 'some', odd: false })
  await writeCardFixture(card, { nights: 1, perNight: 10, photoKb: 40, startNight: '2024-09-03', odd: false })
  const dataDir = path.join(dir, 'data')
  const prepared = spawnSync(process.execPath, [cli, 'thumbs', card, '--data-dir', dataDir, '--json'], {
    encoding: 'utf8',
  })
  if (prepared.status !== 0) throw new Error(`creaturebox thumbs failed: ${prepared.stderr}`)
  console.log(`thumbnails prepared: ${JSON.parse(prepared.stdout).photos} photos`)

  const serve = await startServe(['--port', '0', '--data-dir', dataDir, '--source', card], TOKEN)
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  })
  try {
    const times: number[] = []
    for (let run = 0; run < runs; run += 1) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      await page.goto(serve.url)
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: /^Photos/ })
        .click()
      const night = page.getByRole('combobox', { name: 'Night' })
      await night.selectOption('2024-09-03')
      await page.waitForFunction(() => document.querySelectorAll('img.thumb').length > 0)
      // From picking the night to every thumbnail in the first screen decoded by the browser.
      const seconds = (await page.evaluate(FIRST_SCREEN_SCRIPT)) as number
      times.push(seconds)
      await page.close()
    }
    console.log(`first screen of a ${perNight}-photo night, cached thumbnails: ${median(times).toFixed(2)} s`)
    console.log(`runs: ${times.map((time) => time.toFixed(2)).join(', ')} s (target ≤ 1 s, not asserted)`)
  } finally {
    await browser.close()
    await serve.stop()
  }
} finally {
  await fsp.rm(dir, { recursive: true, force: true })
}
