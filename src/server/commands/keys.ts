import type { Command } from 'commander'
import { listApiKeys, revokeApiKey } from '../features/api-keys/api-keys.repository.js'
import { generateApiKey, storeApiKey } from '../features/api-keys/api-keys.service.js'
import {
  CommandError,
  DATABASE_OPTION,
  organizationId,
  terminal,
  unixNow,
  withDatabase,
} from './shared.js'
import { table } from './table.js'

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke API keys')

  keys
    .command('create')
    .description('Create an API key for an organization; prints only the key')
    .requiredOption('--org <domain>', 'the organization the key acts for')
    .option(...DATABASE_OPTION)
    .action(async (options: { org: string; database?: string }) => {
      const key = await withDatabase(options.database, terminal, { creates: false }, async (db) => {
        const key = generateApiKey()
        await storeApiKey(db, await organizationId(db, options.org), key, unixNow())
        return key
      })
      terminal.out(key)
    })

  keys
    .command('list')
    .description('List API keys (never the keys themselves: they are stored hashed)')
    .option('--org <domain>', 'only this organization')
    .option(...DATABASE_OPTION)
    .action(async (options: { org?: string; database?: string }) => {
      await withDatabase(options.database, terminal, { creates: false }, async (db) => {
        const org = options.org === undefined ? null : await organizationId(db, options.org)
        const rows = await listApiKeys(db, org)
        if (rows.length === 0) {
          terminal.err('No API keys. Create one with "opencrunch keys create --org DOMAIN".')
          return
        }
        terminal.out(
          table(
            ['ID', 'ORGANIZATION', 'KEY', 'CREATED', 'STATUS'],
            rows.map((row) => [
              String(row.id),
              row.domain,
              `${row.key_hint}…`,
              new Date(row.created_at * 1000).toISOString(),
              row.revoked_at === null ? 'active' : 'revoked',
            ]),
          ),
        )
      })
    })

  keys
    .command('revoke')
    .description('Revoke an API key by the ID "keys list" shows; it stops working at once')
    .argument('<id>', 'the key ID')
    .option(...DATABASE_OPTION)
    .action(async (id: string, options: { database?: string }) => {
      if (!/^[1-9][0-9]*$/.test(id)) {
        throw new CommandError(
          `"${id}" is not a key ID: pass the number "opencrunch keys list" shows.`,
        )
      }
      await withDatabase(options.database, terminal, { creates: false }, async (db) => {
        if ((await revokeApiKey(db, Number(id), unixNow())) === 0) {
          throw new CommandError(`No active key with ID ${id}. See "opencrunch keys list".`)
        }
        terminal.err(`Revoked key ${id}.`)
      })
    })
}
