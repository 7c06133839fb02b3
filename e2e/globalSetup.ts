import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { writeCardFixture } from '../src/core/fixtures/cardFixture.js'
import { E2E_CARDS, E2E_TOKEN } from './e2eEnvironment.js'
import { startServe } from './serveProcess.js'

const repo = path.resolve(import.meta.dirname, '..')

/** Newest modification time under a folder, to tell whether the built UI is older than its sources. */
function newestMtime(folder: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

function buildUiIfStale(): void {
  const built = path.join(repo, 'out/renderer/index.html')
  const sources = Math.max(
    newestMtime(path.join(repo, 'src/renderer')),
    newestMtime(path.join(repo, 'src/shared')),
  )
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return
  execFileSync(path.join(repo, 'node_modules/.bin/electron-vite'), ['build'], { cwd: repo, stdio: 'inherit' })
}

/**
 * Builds the UI when needed, writes the fixture cards into a temp folder and starts `creaturebox serve` on
 * them with a known token, exactly as a user would from a terminal. The returned function stops it.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  buildUiIfStale()
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'creaturebox-e2e-'))
  const card = (name: string) => path.join(root, name)
  // Nights 2024-09-01/02, then 2024-09-04/05: the night of 2024-09-03 has no photos (the box failed).
  await writeCardFixture(card(E2E_CARDS.dashboard), {
    nights: 2,
    perNight: 6,
    photoKb: 40,
    startNight: '2024-09-01',
  })
  await writeCardFixture(card(E2E_CARDS.dashboard), {
    nights: 2,
    perNight: 6,
    photoKb: 40,
    startNight: '2024-09-04',
    odd: false,
  })
  await writeCardFixture(card(E2E_CARDS.cleanup), { nights: 2, perNight: 5, photoKb: 40, odd: false })
  await writeCardFixture(card(E2E_CARDS.organize), {
    nights: 2,
    perNight: 5,
    photoKb: 20,
    layout: 'flat',
    odd: false,
  })
  // Big enough that a backup is still running when the test acts on it (cancel, drive removed).
  await writeCardFixture(card(E2E_CARDS.big), { nights: 2, perNight: 50, photoKb: 6000, odd: false })

  // Test hook (src/core/storage/simulatedDrives.ts): each folder in here is a removable drive to serve.
  const drives = path.join(root, 'drives')
  await fsp.mkdir(drives)
  process.env['CREATUREBOX_TEST_DRIVES_DIR'] = drives
  const serve = await startServe(
    [
      '--port',
      '0',
      '--data-dir',
      path.join(root, 'data'),
      ...Object.values(E2E_CARDS).flatMap((name) => ['--source', card(name)]),
    ],
    E2E_TOKEN,
  )
  const { url } = serve
  process.env['E2E_URL'] = url
  process.env['E2E_ROOT'] = root

  return async () => {
    await serve.stop()
    await fsp.rm(root, { recursive: true, force: true })
  }
}
