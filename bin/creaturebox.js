#!/usr/bin/env node
// Runs the bundled CLI (scripts/build-cli.mjs, part of `npm run build` and `npm install`) when it is newer
// than every source it was built from, and otherwise the TypeScript sources through tsx: `npx creaturebox`
// works after a plain `npm install` with no build step and never runs stale code.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

// Before any file operation starts libuv's pool (see src/core/ioThreadPool.ts).
process.env.UV_THREADPOOL_SIZE ??= '16'

const root = fileURLToPath(new URL('..', import.meta.url))
const bundle = `${root}out/cli/creaturebox.mjs`

function bundleIsFresh() {
  let built
  try {
    built = fs.statSync(bundle).mtimeMs
  } catch {
    return false
  }
  for (const folder of ['src/cli', 'src/core', 'src/shared']) {
    for (const entry of fs.readdirSync(`${root}${folder}`, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && fs.statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > built) return false
    }
  }
  return true
}

if (bundleIsFresh()) {
  await import(bundle)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(`${root}src/cli/main.ts`)
}
