import type { Db, Queryable } from './db.js'
import { MIGRATIONS, type Migration } from './migrations/index.js'

/** A migration the migrator applied. */
export interface AppliedMigration {
  readonly version: number
  readonly name: string
  readonly ms: number
}

/** Raised when the database holds a schema newer than this build knows. */
export class SchemaTooNewError extends Error {
  constructor(databaseVersion: number, knownVersion: number) {
    super(
      `The database is at schema version ${databaseVersion}, but this opencrunch knows only up to ` +
        `${knownVersion}. Upgrade opencrunch, or point it at another database.`,
    )
    this.name = 'SchemaTooNewError'
  }
}

/** The schema version the database is at; 0 when it has none. */
export function schemaVersion(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    await lockMigrations(tx)
    await ensureMigrationsTable(tx)
    return versionIn(tx)
  })
}

async function versionIn(tx: Queryable): Promise<number> {
  const row = await tx.get<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  )
  return Number(row?.version ?? 0)
}

/** Holds off other processes' migrations until the transaction ends. */
async function lockMigrations(tx: Queryable): Promise<void> {
  if (tx.dialect.migrationLock !== null) await tx.get(tx.dialect.migrationLock)
}

/**
 * Brings the schema up to date: applies every pending migration in order, each in its own
 * transaction with its version record, so a failure leaves the database at the last good version.
 * Calls `onApplied` after each one. Throws `SchemaTooNewError` rather than touch a newer schema.
 */
export async function migrate(
  db: Db,
  onApplied: (migration: AppliedMigration) => void = () => {},
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<AppliedMigration[]> {
  const current = await schemaVersion(db)
  const known = migrations.at(-1)?.version ?? 0
  if (current > known) throw new SchemaTooNewError(current, known)
  const applied: AppliedMigration[] = []
  for (const migration of migrations) {
    if (migration.version <= current) continue
    const started = performance.now()
    const ran = await db.transaction(async (tx) => {
      // Several servers may start at once on one database: the first to get here applies it.
      await lockMigrations(tx)
      if ((await versionIn(tx)) >= migration.version) return false
      await tx.exec(migration.sql(db.dialect))
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        Math.floor(Date.now() / 1000),
      ])
      return true
    })
    if (!ran) continue
    const done = {
      version: migration.version,
      name: migration.name,
      ms: performance.now() - started,
    }
    applied.push(done)
    onApplied(done)
  }
  return applied
}

async function ensureMigrationsTable(tx: Queryable): Promise<void> {
  await tx.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at ${tx.dialect.bigint} NOT NULL
    )`,
  )
}
