import { Command, CommanderError } from 'commander'
import { PACKAGE_VERSION } from './version.js'

/**
 * Errors whose message is all a person needs: printed alone, exit status 1. Matched by name, so
 * that a command loads only the modules it uses.
 */
const EXPECTED = new Set([
  'ConfigError',
  'CommandError',
  'FixtureError',
  'SchemaTooNewError',
  'UnsupportedDatabaseError',
])

/** The commands that talk to an API; they need none of the server's modules. */
const API_COMMANDS = new Set([
  'chats',
  'messages',
  'customers',
  'agents',
  'departments',
  'applications',
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
  // A support engineer's `opencrunch chats list` starts in a fraction of the server's load time.
  if (!API_COMMANDS.has(argv[2] ?? '')) {
    const { registerServerCommands } = await import('./server/commands/index.js')
    registerServerCommands(program)
  }
  const { registerApiCommands } = await import('./cli/index.js')
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
