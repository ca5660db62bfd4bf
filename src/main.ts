import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { ConfigError } from './server/config.js'
import { CommandError } from './server/commands/shared.js'
import { registerServerCommands } from './server/commands/index.js'
import { FixtureError } from './server/fixtures/fixture.load.js'
import { SchemaTooNewError } from './server/storage/migrator.js'
import { UnsupportedDatabaseError } from './server/storage/open.js'

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string }

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
    .description('A HelpCrunch REST API v1 server, and the tools to run it')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  registerServerCommands(program)
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
