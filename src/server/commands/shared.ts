import { existsSync } from 'node:fs'
import { resolveDatabaseUrl } from '../config.js'
import { findOrganizationByDomain } from '../features/organization/organization.repository.js'
import type { Db, Queryable } from '../storage/db.js'
import { migrate } from '../storage/migrator.js'
import { openDatabase, sqliteFile } from '../storage/open.js'
import { CommandError } from './command-error.js'

export { CommandError }

/** Where a command writes: results to `out`, notices and progress to `err`. */
export interface Output {
  out(line: string): void
  err(line: string): void
}

export const terminal: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

/** The `--database` option every command shares. */
export const DATABASE_OPTION = [
  '--database <url>',
  'postgres://..., a SQLite file path or :memory: (default: DATABASE_URL, else ./data/opencrunch.db)',
] as const

/**
 * Opens the database a command names (flag, else `DATABASE_URL`, else the default), brings its
 * schema up to date (saying so on `err` when it changes anything), runs `work`, and closes it.
 * A command that only reads or adds to what is there (`creates: false`) refuses a SQLite file that
 * does not exist, rather than make an empty database at a mistyped path.
 */
export async function withDatabase<T>(
  flag: string | undefined,
  output: Output,
  { creates }: { readonly creates: boolean },
  work: (db: Db, url: string) => Promise<T>,
): Promise<T> {
  const url = resolveDatabaseUrl(flag)
  const file = sqliteFile(url)
  if (!creates && file !== null && !existsSync(file)) {
    throw new CommandError(
      `No database at ${file}: is --database or DATABASE_URL mistyped? A new one is made by ` +
        '"opencrunch orgs create DOMAIN" or "opencrunch fixture load FILE".',
    )
  }
  const db = await openDatabase({ url })
  try {
    await migrate(db, (step) =>
      output.err(`Applied migration ${step.version} (${step.name}) to ${db.location}.`),
    )
    return await work(db, url)
  } finally {
    await db.close()
  }
}

/** "1 chat", "2 chats": a count and its noun, plural but for one. */
export function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`
}

/** Whole UNIX seconds now. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000)
}

/** The id of the organization with `domain`; a `CommandError` saying how to make one if none. */
export async function organizationId(db: Queryable, domain: string): Promise<number> {
  const org = await findOrganizationByDomain(db, domain)
  if (!org) {
    throw new CommandError(
      `No organization "${domain}" in this database. Create it with ` +
        `"opencrunch orgs create ${domain}", or load a fixture that has it.`,
    )
  }
  return org.id
}
