import { createServeServer, type ServeServer } from '../../src/cli/serve/httpServer.js'
import { createCompanion, type Companion } from '../../src/core/companion.js'

export interface InProcessServe {
  companion: Companion
  serve: ServeServer
  /** `http://127.0.0.1:<port>` */
  base: string
  port: number
  close(): Promise<void>
}

/**
 * `serve`'s HTTP server and a companion in the test's own process, on a free loopback port: what the tests of
 * the HTTP routes share (a real `serve` process is in serveProcess.ts).
 */
export async function startInProcessServe(options: {
  dataDir: string
  token: string
  rendererDir: string
  defaultSource?: string
}): Promise<InProcessServe> {
  const companion = await createCompanion({ dataDir: options.dataDir })
  const serve = createServeServer({
    handlers: companion.handlers,
    openPhotoOriginal: companion.openPhotoOriginal,
    subscribe: companion.subscribe,
    settings: () => companion.settings.get(),
    token: options.token,
    rendererDir: options.rendererDir,
    defaultSource: options.defaultSource,
  })
  const { port } = await serve.listen(0, '127.0.0.1')
  return {
    companion,
    serve,
    base: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      await serve.close()
      await companion.close()
    },
  }
}
