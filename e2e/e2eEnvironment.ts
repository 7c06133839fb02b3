import path from 'node:path'

/** Known to the tests, so requests can send it; random tokens are what `serve` uses by default. */
export const E2E_TOKEN = 'e2e-token-4f1d2c3b5a697887'

/** The fixture cards globalSetup writes, by the test that uses each (one card per test keeps them apart). */
export const E2E_CARDS = {
  dashboard: 'RIDGE_CARD',
  cleanup: 'CLEAN_CARD',
  organize: 'FLAT_CARD',
  big: 'BIG_CARD',
} as const

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run the tests through playwright.config.ts`)
  return value
}

/** The serve address with the token, as `creaturebox serve` printed it. */
export const serveUrl = (): string => required('E2E_URL')
export const e2eRoot = (): string => required('E2E_ROOT')
export const cardPath = (card: keyof typeof E2E_CARDS): string => path.join(e2eRoot(), E2E_CARDS[card])
/** Folders moved in here are drives plugged into serve's computer (the simulated-drives test hook). */
export const simulatedDrivesDir = (): string => required('CREATUREBOX_TEST_DRIVES_DIR')
