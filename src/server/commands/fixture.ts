import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { parseFixture, loadFixture, type LoadSummary } from '../fixtures/fixture.load.js'
import type { Fixture } from '../fixtures/fixture.schema.js'
import type { Db } from '../storage/db.js'
import {
  counted,
  CommandError,
  DATABASE_OPTION,
  terminal,
  unixNow,
  withDatabase,
  type Output,
} from './shared.js'

/** Reads and checks a fixture file: the fixture, or a `CommandError` naming the file. */
export async function readFixtureFile(file: string): Promise<Fixture> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new CommandError(`Cannot read fixture ${file}: ${(error as Error).message}`)
  }
  return parseFixture(text, file)
}

/** Loads a fixture read from `file`; reports progress on large ones. */
export function loadFixtureData(
  db: Db,
  fixture: Fixture,
  file: string,
  output: Output,
): Promise<LoadSummary> {
  let reported = 0
  return loadFixture(db, fixture, unixNow(), file, (done, total) => {
    // A line per tenth of a large fixture, so a long load shows it is moving.
    if (total >= 1000 && done - reported >= total / 10) {
      reported = done
      output.err(`  ${done} of ${total} chats loaded`)
    }
  })
}

/** "2 organizations, 3 API keys, ..." */
export function describeSummary(summary: LoadSummary): string {
  const parts = (Object.entries(summary) as Array<[string, number]>)
    // Webhooks are rare in fixtures: named only when there are some.
    .filter(([name, count]) => name !== 'webhooks' || count > 0)
    .map(([name, count]) => counted(count, name === 'apiKeys' ? 'API key' : name.replace(/s$/, '')))
  return parts.join(', ')
}

export function registerFixtureCommands(program: Command): void {
  const fixture = program.command('fixture').description('Load a known world from a JSON file')

  fixture
    .command('load')
    .description('Load a fixture file into the database: all of it, or nothing if it has an error')
    .argument('<file>', 'the fixture (format: see README, "Fixtures")')
    .option(...DATABASE_OPTION)
    .action(async (file: string, options: { database?: string }) => {
      // Read first: a file that cannot be read or is not a fixture leaves no database behind.
      const fixture = await readFixtureFile(file)
      await withDatabase(options.database, terminal, { creates: true }, async (db) => {
        const summary = await loadFixtureData(db, fixture, file, terminal)
        await db.optimize()
        terminal.out(`Loaded ${describeSummary(summary)} from ${file}.`)
      })
    })
}
