import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'

/**
 * The storage engine this test run uses: vitest runs the whole suite once per configured engine
 * (see vitest.config.ts), telling each run its engine in OPENCRUNCH_TEST_ENGINE.
 */
export const ENGINE: 'sqlite' | 'postgres' =
  process.env.OPENCRUNCH_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite'

/** For tests about one engine's own files or settings: `describe.runIf(ON_SQLITE)`. */
export const ON_SQLITE = ENGINE === 'sqlite'

/** A database of its own for one test server, and how to throw it away. */
export interface TestDatabase {
  readonly url: string
  drop(): Promise<void>
}

/** The prefix of every schema this run creates (vitest.config.ts names the run). */
export const SCHEMA_PREFIX = `test_${process.env.OPENCRUNCH_TEST_RUN ?? 'local'}_`

/**
 * A database for one server. On SQLite: `file` if given, else memory. On PostgreSQL: a schema of
 * its own in the configured database (`search_path` set through the URL's libpq `options`), so
 * tests never see each other's rows. A schema for a `file` is the same each time that file is
 * named (a test that restarts a server on its data finds it again) and is dropped with the run;
 * any other is dropped with its server.
 */
export async function freshDatabase(file?: string): Promise<TestDatabase> {
  if (ENGINE === 'sqlite') return { url: file ?? ':memory:', drop: async () => {} }
  const suffix = file
    ? createHash('sha256').update(file).digest('hex').slice(0, 16)
    : randomBytes(8).toString('hex')
  const schema = SCHEMA_PREFIX + suffix
  await admin(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
  return {
    url: schemaUrl(schema),
    drop: file ? async () => {} : () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  }
}

/** Migrated schemas emptied by the servers that used them, ready for the next (this process). */
const emptied: string[] = []

/**
 * Like `freshDatabase()`, for a test server that migrates its database first: on PostgreSQL it
 * may get a schema an earlier server of this process migrated and left empty (every table
 * truncated, identities restarted), which saves the quarter second of migrating per server.
 */
export async function reusableDatabase(): Promise<TestDatabase> {
  if (ENGINE === 'sqlite') return freshDatabase()
  let schema = emptied.pop()
  if (schema === undefined) {
    schema = SCHEMA_PREFIX + randomBytes(8).toString('hex')
    await admin(`CREATE SCHEMA ${schema}`)
  }
  const own = schema
  return { url: schemaUrl(own), drop: () => empty(own) }
}

/** Truncates every table of `schema` but its migration record, and offers it for reuse. */
function empty(schema: string): Promise<void> {
  return asAdmin(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = $1 AND table_name <> 'schema_migrations'`,
      [schema],
    )
    if (rows.length > 0) {
      const tables = rows.map((row) => `${schema}.${row.name}`).join(', ')
      await client.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`)
    }
    emptied.push(schema)
  })
}

function schemaUrl(schema: string): string {
  const base = process.env.OPENCRUNCH_TEST_POSTGRES_URL!
  const options = encodeURIComponent(`-c search_path=${schema}`)
  return `${base}${base.includes('?') ? '&' : '?'}options=${options}`
}

/** Drops every schema of this run: what file-named databases left behind. */
export function dropRunSchemas(): Promise<void> {
  return asAdmin(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)`,
      [SCHEMA_PREFIX],
    )
    for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)
  })
}

function admin(sql: string): Promise<void> {
  return asAdmin(async (client) => void (await client.query(sql)))
}

/** Runs `fn` on a connection of its own to the test database. */
export async function asAdmin(fn: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.OPENCRUNCH_TEST_POSTGRES_URL })
  await client.connect()
  try {
    await fn(client)
  } finally {
    await client.end()
  }
}
