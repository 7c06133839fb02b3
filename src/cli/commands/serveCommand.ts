import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { boxIdOf } from '../../shared/boxes.js'
import { TOKEN_QUERY_PARAMETER } from '../../shared/httpApi.js'
import { isSftpRef } from '../../shared/sftpRef.js'
import { EXIT } from '../exitCodes.js'
import { newAccessToken } from '../serve/accessToken.js'
import { defaultServeDataDir } from '../serve/serveDataDir.js'
import { packageRoot } from '../packageRoot.js'
import { collectPaths, pathArgument } from './pathArgument.js'

const port = (value: string): number => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('expected a port number 0–65535 (0 picks a free one)')
  }
  return parsed
}

/** `out/renderer` of this package, when `npm run build` has made it. */
const builtRendererDir = (): string => path.join(packageRoot(), 'out', 'renderer')

interface ServeOptions {
  port: number
  host: string
  source: string[]
  token?: string
  dataDir: string
  ui: string
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the companion headless and open its UI from a browser (token-protected HTTP API)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', port, 8765)
    .option(
      '--host <address>',
      'address to listen on; anything but loopback exposes it to the network',
      '127.0.0.1',
    )
    .option(
      '--source <ref>',
      'card or folder path, sftp:// address or box:<id> to offer (repeat for several); the first is the REST default',
      collectPaths,
      [],
    )
    .option('--token <token>', 'access token (default: $CREATUREBOX_TOKEN, else a random one)')
    .option(
      '--data-dir <dir>',
      'where settings and job history are kept',
      pathArgument,
      defaultServeDataDir(),
    )
    .option('--ui <dir>', 'built renderer to serve', pathArgument, builtRendererDir())
    .action(async (options: ServeOptions, command: Command) => {
      const global = command.optsWithGlobals<{ json: boolean }>()
      const token = options.token ?? process.env['CREATUREBOX_TOKEN'] ?? newAccessToken()
      // A browser sends the token as `Authorization: Bearer <token>`, which cannot carry whitespace: a blank
      // token, or one with spaces, would start a companion that refuses every request.
      if (/\s/.test(token) || token === '') {
        command.error(
          'error: the access token is blank or contains spaces; give one of at least 16 characters without ' +
            'spaces (or leave out --token and CREATUREBOX_TOKEN for a random one)',
          { exitCode: EXIT.usage },
        )
      }
      if (token.length < 16) {
        command.error('error: the access token must be at least 16 characters', { exitCode: EXIT.usage })
      }
      // Paths become absolute so the UI shows them whole; `sftp://…` and `box:<id>` refs stay as given.
      const sources = options.source.map((source) =>
        isSftpRef(source) || boxIdOf(source) !== undefined ? source : path.resolve(source),
      )
      const rendererDir = fs.existsSync(path.join(options.ui, 'index.html'))
        ? path.resolve(options.ui)
        : undefined
      if (!rendererDir)
        process.stderr.write(
          `creaturebox: no built UI in ${options.ui}; serving the API only (run npm run build)\n`,
        )

      // The whole app (ssh2, ioredis, the HTTP server) loads only for serve, not for every card command.
      const [{ createCompanion }, { createServeServer }] = await Promise.all([
        import('../../core/companion.js'),
        import('../serve/httpServer.js'),
      ])
      const companion = await createCompanion({
        dataDir: path.resolve(options.dataDir),
        watchDrives: true,
        startupSources: sources,
        logger: { warn: (message) => process.stderr.write(`${message}\n`), info: () => undefined },
      })
      const serve = createServeServer({
        handlers: companion.handlers,
        openPhotoOriginal: companion.openPhotoOriginal,
        subscribe: companion.subscribe,
        settings: () => companion.settings.get(),
        token,
        rendererDir,
        defaultSource: sources[0],
      })
      const address = await serve.listen(options.port, options.host)
      const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address
      const url = `http://${hostInUrl}:${address.port}/?${TOKEN_QUERY_PARAMETER}=${encodeURIComponent(token)}`
      if (global.json)
        process.stdout.write(JSON.stringify({ url, port: address.port, host: address.address }) + '\n')
      else process.stdout.write(`CreatureBox Companion is serving at ${url}\n`)
      if (!isLoopback(address.address)) {
        process.stderr.write(
          'creaturebox: listening beyond this computer over plain HTTP: anyone on the network who sees the ' +
            'address with its token can use the companion.\n',
        )
      }

      const stop = () => {
        process.stderr.write('Stopping: waiting for running jobs to reach a safe point…\n')
        void serve
          .close()
          .then(() => companion.close())
          .finally(() => process.exit(0))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}

const isLoopback = (address: string) => address === '::1' || address.startsWith('127.')
