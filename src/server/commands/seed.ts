import type { Command } from 'commander'
import { findOrganizationByDomain } from '../features/organization/organization.repository.js'
import { listWebhooks } from '../features/webhooks/webhooks.repository.js'
import { seedOrganization } from '../seed/seed.js'
import {
  CommandError,
  DATABASE_OPTION,
  terminal,
  unixNow,
  withDatabase,
  counted,
} from './shared.js'
import { wholeNumber } from './whole-number.js'

interface SeedFlags {
  org: string
  chats: string
  messagesPerChat: string
  customers?: string
  seed?: string
  database?: string
}

/** "1m 05s", "12s" */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('Fill an organization with synthetic customers, chats and messages')
    .requiredOption('--org <domain>', 'the organization to fill (it must exist)')
    .requiredOption('--chats <n>', 'chats to create')
    .requiredOption('--messages-per-chat <n>', 'messages in each chat, customer first, then turns')
    .option('--customers <n>', 'customers to spread the chats over (default: one per two chats)')
    .option('--seed <n>', 'seed of the random choices: the same seed gives the same data', '1')
    .option(...DATABASE_OPTION)
    .action(async (flags: SeedFlags) => {
      const chats = wholeNumber('--chats', flags.chats, 1)
      const messagesPerChat = wholeNumber('--messages-per-chat', flags.messagesPerChat, 0)
      const customers = wholeNumber('--customers', flags.customers, 1)
      const seed = wholeNumber('--seed', flags.seed, 0)!
      await withDatabase(flags.database, terminal, { creates: false }, async (db) => {
        const org = await findOrganizationByDomain(db, flags.org)
        if (!org) {
          throw new CommandError(
            `No organization "${flags.org}" in this database. Create it first with ` +
              `"opencrunch orgs create ${flags.org}".`,
          )
        }
        if ((await listWebhooks(db, org.id)).length > 0) {
          throw new CommandError(
            `"${flags.org}" has webhooks: seeding would send a read event for every synthetic ` +
              'chat. Seed an organization without webhooks, or remove them first ' +
              '("opencrunch webhooks list" and "webhooks remove ID").',
          )
        }
        terminal.err(
          `Seeding "${flags.org}" with ${counted(chats, 'chat')} of ` +
            `${counted(messagesPerChat, 'message')}...`,
        )
        const started = performance.now()
        let reportedAt = started
        const summary = await seedOrganization(db, {
          organizationId: org.id,
          chats,
          messagesPerChat,
          ...(customers === undefined ? {} : { customers }),
          seed,
          now: unixNow(),
          onProgress: (done, total) => {
            const now = performance.now()
            if (done !== total && now - reportedAt < 2000) return
            reportedAt = now
            const rate = done / ((now - started) / 1000)
            const left = rate > 0 ? duration((total - done) / rate) : '?'
            const percent = ((100 * done) / total).toFixed(0).padStart(3)
            terminal.err(
              `  ${percent}%  ${done} of ${total} chats, ${Math.round(rate)} chats/s, ${left} left`,
            )
          },
        })
        await db.optimize()
        const seconds = (performance.now() - started) / 1000
        terminal.out(
          `Seeded "${flags.org}": ${counted(summary.customers, 'customer')}, ` +
            `${counted(summary.chats, 'chat')}, ${counted(summary.messages, 'message')}` +
            (summary.agents > 0 ? `, ${counted(summary.agents, 'agent')}` : '') +
            (summary.applications > 0 ? `, ${counted(summary.applications, 'application')}` : '') +
            (summary.departments > 0 ? `, ${counted(summary.departments, 'department')}` : '') +
            ` in ${duration(seconds)}.`,
        )
      })
    })
}
