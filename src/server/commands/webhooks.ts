import type { Command } from 'commander'
import {
  deleteWebhook,
  listWebhooks,
  setSigningKey,
} from '../features/webhooks/webhooks.repository.js'
import {
  addWebhooks,
  ensureSigningKey,
  generateSigningKey,
  normalUrl,
  WEBHOOK_EVENTS,
} from '../features/webhooks/webhooks.service.js'
import {
  CommandError,
  counted,
  DATABASE_OPTION,
  organizationId,
  terminal,
  unixNow,
  withDatabase,
} from './shared.js'
import { table } from './table.js'

interface Flags {
  readonly database?: string
}

/**
 * `opencrunch webhooks ...`: what HelpCrunch's web app configures under Settings > Developers >
 * Webhooks (an event type and a URL per webhook, and the account's signing key), for the events
 * opencrunch sends.
 */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('Send read changes and messages to a URL, signed as HelpCrunch signs webhooks')

  webhooks
    .command('add')
    .description('Add a webhook for each event given (default: every event opencrunch sends)')
    .requiredOption('--org <domain>', 'the organization whose events are sent')
    .requiredOption('--url <url>', 'where to POST them (http:// or https://)')
    .option('--event <type...>', `the events (default: all): ${WEBHOOK_EVENTS.join(', ')}`)
    .option(...DATABASE_OPTION)
    .action(async (flags: Flags & { org: string; url: string; event?: string[] }) => {
      const events = [...new Set(flags.event ?? WEBHOOK_EVENTS)]
      const ids = await withDatabase(flags.database, terminal, { creates: false }, async (db) =>
        db.transaction(async (tx) => {
          const org = await organizationId(tx, flags.org)
          try {
            return await addWebhooks(tx, org, events, flags.url, unixNow())
          } catch (error) {
            throw new CommandError(`${(error as Error).message} Nothing was added.`)
          }
        }),
      )
      terminal.out(
        `Added ${counted(ids.length, 'webhook')} (${ids.join(', ')}) sending ` +
          `${events.join(', ')} to ${normalUrl(flags.url)}.`,
      )
      terminal.err(
        `Each request carries X-HelpCrunch-Signature, keyed with "opencrunch webhooks key --org ${flags.org}".`,
      )
    })

  webhooks
    .command('list')
    .description('List webhooks, with their deliveries waiting and given up on')
    .option('--org <domain>', 'only this organization')
    .option(...DATABASE_OPTION)
    .action(async (flags: Flags & { org?: string }) => {
      await withDatabase(flags.database, terminal, { creates: false }, async (db) => {
        const org = flags.org === undefined ? null : await organizationId(db, flags.org)
        const rows = await listWebhooks(db, org)
        if (rows.length === 0) {
          terminal.err(
            'No webhooks. Add one with "opencrunch webhooks add --org DOMAIN --url URL".',
          )
          return
        }
        terminal.out(
          table(
            ['ID', 'ORGANIZATION', 'EVENT', 'URL', 'WAITING', 'GIVEN UP', 'LAST ERROR'],
            rows.map((row) => [
              String(row.id),
              row.domain,
              row.event,
              row.url,
              String(row.pending),
              String(row.failed),
              row.last_error ?? '-',
            ]),
          ),
        )
      })
    })

  webhooks
    .command('remove')
    .description('Remove a webhook by the ID "webhooks list" shows, with what it had to send')
    .argument('<id>', 'the webhook ID')
    .option(...DATABASE_OPTION)
    .action(async (id: string, flags: Flags) => {
      if (!/^[1-9][0-9]*$/.test(id)) {
        throw new CommandError(
          `"${id}" is not a webhook ID: pass the number "opencrunch webhooks list" shows.`,
        )
      }
      await withDatabase(flags.database, terminal, { creates: false }, async (db) => {
        if ((await deleteWebhook(db, Number(id))) === 0) {
          throw new CommandError(`No webhook with ID ${id}. See "opencrunch webhooks list".`)
        }
        terminal.err(`Removed webhook ${id}.`)
      })
    })

  webhooks
    .command('key')
    .description("Print the organization's webhook signing key (made if it has none)")
    .requiredOption('--org <domain>', 'the organization')
    .option('--rotate', 'replace it with a new key first; the old one stops at once')
    .option(...DATABASE_OPTION)
    .action(async (flags: Flags & { org: string; rotate?: boolean }) => {
      const key = await withDatabase(flags.database, terminal, { creates: false }, async (db) => {
        const org = await organizationId(db, flags.org)
        if (!flags.rotate) return ensureSigningKey(db, org)
        const made = generateSigningKey()
        await setSigningKey(db, org, made)
        return made
      })
      terminal.out(key)
    })
}
