import { Command, CommanderError } from 'commander'
import { registerApiCommands } from './cli/index.js'
import { ConfigError } from './server/config.js'
import { CommandError } from './server/commands/shared.js'
import { registerServerCommands } from './server/commands/index.js'
import { FixtureError } from './server/fixtures/fixture.load.js'
import { SchemaTooNewError } from './server/storage/migrator.js'
import { UnsupportedDatabaseError } from './server/storage/open.js'
import { PACKAGE_VERSION } from './version.js'

/** Errors whose message is all a person needs: printed alone, exit status 1. */
const EXPECTED = [
  ConfigError,
  CommandError,
  FixtureError,
  SchemaTooNewError,
  UnsupportedDatabaseError,
]

/** The `opencrunch` command line. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('opencrunch')
    .description(
      'A HelpCrunch REST API v1 server, the tools to run it, and a command line for its API',
    )
    .version(PACKAGE_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  registerServerCommands(program)
  registerApiCommands(program)
  try {
    await program.parseAsync(argv)
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode
      return
    }
    if (EXPECTED.some((type) => error instanceof type)) {
      process.stderr.write(`opencrunch: ${(error as Error).message}\n`)
      process.exitCode = 1
      return
    }
    throw error
  }
}
