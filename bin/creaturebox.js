#!/usr/bin/env node
// Runs the bundled CLI (scripts/build-cli.mjs, part of `npm run build` and `npm install`) when it is newer
// than every source it was built from, and otherwise the TypeScript sources through tsx: `npx creaturebox`
// works after a plain `npm install` with no build step and never runs stale code.
import { fileURLToPath } from 'node:url'
import { bundleIsFresh } from './bundleIsFresh.js'

// Before any file operation starts libuv's pool (see src/core/ioThreadPool.ts).
process.env.UV_THREADPOOL_SIZE ??= '16'

const root = fileURLToPath(new URL('..', import.meta.url))
const bundle = `${root}out/cli/creaturebox.mjs`

if (bundleIsFresh(root, bundle)) {
  await import(bundle)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(`${root}src/cli/main.ts`)
}
