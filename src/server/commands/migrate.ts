import type { Command } from 'commander'
import { resolveDatabaseUrl } from '../config.js'
import { migrate, schemaVersion } from '../storage/migrator.js'
import { openDatabase } from '../storage/open.js'
import { DATABASE_OPTION, terminal } from './shared.js'

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date and say what changed')
    .option(...DATABASE_OPTION)
    .action(async (options: { database?: string }) => {
      const db = await openDatabase({ url: resolveDatabaseUrl(options.database) })
      try {
        const before = await schemaVersion(db)
        const applied = await migrate(db, (step) =>
          terminal.out(`Applied ${step.version} ${step.name} (${step.ms.toFixed(0)} ms)`),
        )
        const after = applied.at(-1)?.version ?? before
        terminal.out(
          applied.length === 0
            ? `${db.location} is up to date at schema version ${before}.`
            : `${db.location} is now at schema version ${after} (was ${before}).`,
        )
      } finally {
        await db.close()
      }
    })
}
