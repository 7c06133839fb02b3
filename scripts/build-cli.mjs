// Bundles the CLI with its pure-JS dependencies so `creaturebox` starts without compiling TypeScript and
// loading ~200 modules one by one: bin/creaturebox.js runs the bundle while it is newer than every source.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * zod's namespace re-exports its error messages in every language it ships (360 KB of the bundle, parsed by
 * every command); it speaks English unless told otherwise, and nothing here tells it otherwise.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`)
        ? { path: path.join(path.dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-english' }
        : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'zod-english' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)}`,
      resolveDir: path.dirname(args.path),
    }))
  },
}

// The folder can be given (tests build a copy of their own); chunks of an earlier build must not linger.
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'out', 'cli'))
fs.rmSync(outdir, { recursive: true, force: true })
await build({
  // A backup's copy threads start their own entry (src/core/storage/copyThreads.ts finds it beside this one).
  entryPoints: {
    creaturebox: path.join(root, 'src', 'cli', 'main.ts'),
    copyThread: path.join(root, 'src', 'core', 'storage', 'copyThread.ts'),
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  // Modules imported on demand (ssh2, ioredis, sharp behind them) stay in their own chunks, so a command
  // loads only what it uses.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Pure-JS dependencies are bundled too: loading zod alone as ~100 separate modules cost more than all of
  // a no-op backup's own work. Native and heavy ones stay in node_modules and load on demand.
  external: ['electron', 'sharp', 'ssh2', 'cpu-features', 'ioredis', 'drivelist'],
  // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
  // hash-wasm's main entry is one UMD file with every algorithm (280 KB); its ES module build lets the
  // bundle keep only the XXH128 the manifests use.
  alias: { 'hash-wasm': path.join(root, 'node_modules', 'hash-wasm', 'dist', 'index.esm.js') },
})
