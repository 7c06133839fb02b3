import { defineConfig } from '@playwright/test'

/**
 * End-to-end tests: Debian's Chromium against `creaturebox serve` on fixture cards (globalSetup), and the
 * Electron app where an Electron binary exists. Never `playwright install`: the system browser is used.
 */
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/globalSetup.ts',
  outputDir: 'test-results/e2e',
  // One serve, one set of cards: the tests run one after the other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env['CI']),
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  projects: [
    {
      name: 'chromium',
      testMatch: /.*\.browser\.spec\.ts/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1024, height: 700 },
        colorScheme: 'light',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
        screenshot: 'only-on-failure',
        trace: 'retain-on-failure',
      },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts/ },
  ],
})
