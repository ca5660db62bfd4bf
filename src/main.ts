import { Command, CommanderError } from 'commander'
import { PACKAGE_VERSION } from './version.js'

/**
 * Errors whose message is all a person needs: printed alone, exit status 1. Matched by name, so
 * that a command loads only the modules it uses.
 */
const EXPECTED = new Set([
  'ConfigError',
  'CommandError',
  'DatabaseUnavailableError',
  'FixtureError',
  'SchemaTooNewError',
  'UnsupportedDatabaseError',
])

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
  // The commands that talk to an API need none of the server's modules: a support engineer's
  // `opencrunch chats list` starts in a fraction of the server's load time.
  const { registerApiCommands } = await import('./cli/index.js')
  const api = new Command()
  registerApiCommands(api)
  if (!api.commands.some((command) => command.name() === argv[2])) {
    const { registerServerCommands } = await import('./server/commands/index.js')
    registerServerCommands(program)
  }
  registerApiCommands(program)
  try {
    await program.parseAsync(argv)
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode
      return
    }
    if (error instanceof Error && EXPECTED.has(error.name)) {
      process.stderr.write(`opencrunch: ${error.message}\n`)
      process.exitCode = 1
      return
    }
    throw error
  }
}
