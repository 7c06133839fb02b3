#!/usr/bin/env node
// The CLI runs straight from the TypeScript sources through tsx, so `npx creaturebox` works after a plain
// `npm install` with no build step and can never run stale code.
import { register } from 'tsx/esm/api'
import { fileURLToPath } from 'node:url'

register()
const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))
await import(entry)
