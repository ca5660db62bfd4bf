import type { Command } from 'commander'
import {
  findOrganizationByDomain,
  insertOrganization,
  listOrganizations,
} from '../features/organization/organization.repository.js'
import { CommandError, DATABASE_OPTION, terminal, unixNow, withDatabase } from './shared.js'
import { table } from './table.js'

export function registerOrganizationCommands(program: Command): void {
  const orgs = program
    .command('orgs')
    .description('Create and list organizations (HelpCrunch accounts)')

  orgs
    .command('create')
    .description('Create an empty organization')
    .argument('<domain>', 'its subdomain: lower-case letters, digits and dashes')
    .option('--team-offline', 'start with the "team online" switcher off')
    .option('--chat-disabled', 'start with the "chat enabled" switcher off')
    .option(...DATABASE_OPTION)
    .action(
      async (
        domain: string,
        options: { teamOffline?: boolean; chatDisabled?: boolean; database?: string },
      ) => {
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(domain)) {
          throw new CommandError(
            `"${domain}" is not a valid domain: use lower-case letters, digits and dashes.`,
          )
        }
        await withDatabase(options.database, terminal, { creates: true }, async (db) => {
          if (await findOrganizationByDomain(db, domain)) {
            throw new CommandError(`An organization "${domain}" already exists.`)
          }
          const id = await insertOrganization(db, {
            domain,
            teamOnline: !options.teamOffline,
            chatEnabled: !options.chatDisabled,
            createdAt: unixNow(),
          })
          terminal.err(
            `Created organization "${domain}" (id ${id}). ` +
              `Next: "opencrunch keys create --org ${domain}".`,
          )
        })
      },
    )

  orgs
    .command('list')
    .description('List organizations')
    .option(...DATABASE_OPTION)
    .action(async (options: { database?: string }) => {
      await withDatabase(options.database, terminal, { creates: false }, async (db) => {
        const rows = await listOrganizations(db)
        if (rows.length === 0) {
          terminal.err('No organizations. Create one with "opencrunch orgs create DOMAIN".')
          return
        }
        terminal.out(
          table(
            ['ID', 'DOMAIN', 'TEAM ONLINE', 'CHAT ENABLED'],
            rows.map((row) => [
              String(row.id),
              row.domain,
              row.team_online ? 'yes' : 'no',
              row.chat_enabled ? 'yes' : 'no',
            ]),
          ),
        )
      })
    })
}
