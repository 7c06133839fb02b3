import { Command } from 'commander'
import { addBoxOptions } from './boxOptions.js'
import { registerBackup } from './commands/backupCommand.js'
import { registerCleanup } from './commands/cleanupCommand.js'
import { registerDemo } from './commands/demoCommand.js'
import { registerDrives } from './commands/drivesCommand.js'
import { registerExport } from './commands/exportCommand.js'
import { registerFixture } from './commands/fixtureCommand.js'
import { registerOrganize } from './commands/organizeCommand.js'
import { registerServe } from './commands/serveCommand.js'
import { registerStats } from './commands/statsCommand.js'
import { registerThumbs } from './commands/thumbsCommand.js'
import { registerVerify } from './commands/verifyCommand.js'

export function buildProgram(): Command {
  const program = new Command('creaturebox')
    .description(
      'CreatureBox Companion: verified backups, stats, cleanup and organizing of camera-trap cards',
    )
    .option('--json', 'machine-readable output on stdout', false)
    .showHelpAfterError()
    .exitOverride()
  addBoxOptions(program)
  for (const register of [
    registerStats,
    registerBackup,
    registerCleanup,
    registerOrganize,
    registerDrives,
    registerDemo,
    registerFixture,
    registerVerify,
    registerExport,
    registerServe,
    registerThumbs,
  ]) {
    register(program)
  }
  return program
}
