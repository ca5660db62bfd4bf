import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { exportOrganization } from '../fixtures/fixture.export.js'
import {
  CommandError,
  DATABASE_OPTION,
  terminal,
  withDatabase,
  type Output,
  counted,
} from './shared.js'

interface ExportOptions {
  readonly org: string
  readonly out?: string
  readonly database?: string
}

/**
 * Writes one organization as a fixture file (or to stdout), which `fixture load` reads back
 * into either engine. Progress goes to stderr on large organizations.
 */
export async function exportCommand(options: ExportOptions, output: Output = terminal) {
  await withDatabase(options.database, output, { creates: false }, async (db) => {
    let reported = 0
    const fixture = await exportOrganization(db, options.org, (done, total) => {
      // A line per tenth of a large organization, so a long export shows it is moving.
      if (total >= 1000 && (done - reported >= total / 10 || done === total)) {
        reported = done
        output.err(`  ${done} of ${total} chats exported`)
      }
    })
    if (fixture === undefined) {
      throw new CommandError(
        `No organization "${options.org}" in ${db.location}. See them with "opencrunch orgs list".`,
      )
    }
    const text = `${JSON.stringify(fixture, null, 2)}\n`
    const org = fixture.organizations[0]!
    const messages = (org.chats ?? []).reduce((n, chat) => n + (chat.messages?.length ?? 0), 0)
    const what =
      `organization "${org.domain}": ${counted(org.customers?.length ?? 0, 'customer')}, ` +
      `${counted(org.chats?.length ?? 0, 'chat')}, ${counted(messages, 'message')}`
    if (options.out === undefined) {
      process.stdout.write(text)
      output.err(`Exported the ${what}.`)
      return
    }
    try {
      await writeFile(options.out, text)
    } catch (error) {
      throw new CommandError(`Cannot write ${options.out}: ${(error as Error).message}`)
    }
    output.out(`Exported the ${what} to ${options.out}.`)
    output.out(`Load it with: opencrunch fixture load ${options.out} --database <url>`)
  })
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'Write an organization as a fixture file that "fixture load" reads into either engine',
    )
    .requiredOption('--org <domain>', 'the organization to export')
    .option('--out <file>', 'write here instead of to stdout')
    .option(...DATABASE_OPTION)
    .action((options: ExportOptions) => exportCommand(options))
}
