import { resolve } from 'node:path'
import { defineConfig, type Plugin } from 'vite'
import { defineConfig as defineElectronConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { CONTENT_SECURITY_POLICY } from './src/shared/contentSecurityPolicy.js'

// file:// pages get no response headers in Electron, so the policy must also sit in the page itself.
const contentSecurityPolicyMeta = (): Plugin => ({
  name: 'creaturebox-csp-meta',
  transformIndexHtml: (html) =>
    html.replace(
      '<head>',
      `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
    ),
})

export const rendererConfig = defineConfig({
  root: 'src/renderer',
  // Minified: serve hands the bundle to browsers over a box's slow Wi-Fi.
  build: { minify: true, rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
  plugins: [react(), contentSecurityPolicyMeta()],
})

export default defineElectronConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // A backup's copy threads start their own entry (src/core/storage/copyThreads.ts finds it here).
          copyThread: resolve('src/core/storage/copyThread.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload cannot load ES modules: Electron requires CommonJS there.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
})
