import type { Command } from 'commander'
import { registerExportCommand } from './export.js'
import { registerFixtureCommands } from './fixture.js'
import { registerKeyCommands } from './keys.js'
import { registerMigrateCommand } from './migrate.js'
import { registerOrganizationCommands } from './orgs.js'
import { registerSeedCommand } from './seed.js'
import { registerServeCommand } from './serve.js'
import { registerWebhookCommands } from './webhooks.js'

/** The commands that run or administer a server on this machine's database. */
export function registerServerCommands(program: Command): void {
  registerServeCommand(program)
  registerOrganizationCommands(program)
  registerKeyCommands(program)
  registerWebhookCommands(program)
  registerFixtureCommands(program)
  registerExportCommand(program)
  registerMigrateCommand(program)
  registerSeedCommand(program)
}
