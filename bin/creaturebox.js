#!/usr/bin/env node
// The CLI runs straight from the TypeScript sources through tsx, so `npx creaturebox` works after a plain
// `npm install` with no build step and can never run stale code.
import { fileURLToPath } from 'node:url'

// Before any file operation starts libuv's pool (see src/core/ioThreadPool.ts): tsx is loaded after this.
process.env.UV_THREADPOOL_SIZE ??= '16'
const { register } = await import('tsx/esm/api')
register()
const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))
await import(entry)
