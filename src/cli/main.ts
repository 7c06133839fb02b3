import { CommanderError } from 'commander'
import { toErrorData } from '../core/dispatch.js'
import { applyTransferV8Flags } from '../core/v8Flags.js'
import { EXIT } from './exitCodes.js'
import { printError } from './output.js'
import { buildProgram } from './program.js'

applyTransferV8Flags()
const program = buildProgram()
try {
  await program.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are not failures; everything else commander rejects is a usage error.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage
  } else {
    printError({ json: Boolean(program.opts().json) }, toErrorData(error))
    process.exitCode = EXIT.failed
  }
}
