import type { Command } from 'commander'
import { buildApp } from '../app.js'
import { loadServerConfig, type ServerFlags } from '../config.js'
import { ARTICLE_CHAT_ID } from '../fixtures/demo.js'
import { ensureDemo } from '../fixtures/demo-key.js'
import { listOrganizations } from '../features/organization/organization.repository.js'
import type { Db } from '../storage/db.js'
import { migrate } from '../storage/migrator.js'
import { openDatabase } from '../storage/open.js'
import { describeSummary, loadFixtureFile } from './fixture.js'
import { terminal, unixNow, type Output } from './shared.js'

interface ServeOptions extends ServerFlags {
  readonly fixture?: string
  readonly demo?: boolean
}

/** How long a shutdown may wait for requests in flight before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000

/**
 * Runs the server until SIGTERM or SIGINT: opens and migrates the database, loads `--fixture`
 * and `--demo` data into an empty one, listens, and on a signal stops taking connections,
 * finishes the requests in flight, closes the database and exits 0.
 */
export async function serve(options: ServeOptions, output: Output = terminal): Promise<void> {
  const config = loadServerConfig(options)
  const db = openDatabase({
    url: config.databaseUrl,
    onBackgroundError: (message) => output.err(`Background checkpoint failed: ${message}`),
  })
  let demoKey: string | null
  try {
    demoKey = await prepareData(db, options, config.databaseUrl, output)
  } catch (error) {
    await db.close()
    throw error
  }

  const app = await buildApp({ db, rateLimit: config.rateLimit, logLevel: config.logLevel })
  // Before listening: a supervisor may signal as soon as it sees the "listening" line.
  stopOnSignals(output, async () => {
    await app.close()
    await db.close()
  })
  await app.listen({ port: config.port, host: config.host })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const base = `http://${host}:${port}/v1`
  output.out(`opencrunch is listening on ${base} (${db.location})`)
  if (demoKey !== null) {
    output.out(`API key: ${demoKey}`)
    output.out(
      `Try: curl -X PUT ${base}/chats/readByAgent -H "Authorization: Bearer ${demoKey}" ` +
        `-d '{"id": ${ARTICLE_CHAT_ID}, "read": true}'`,
    )
  }
}

/**
 * Migrates the database, then loads `--fixture` and `--demo` data into it when it is empty.
 * Returns the demo key to print, if any.
 */
async function prepareData(
  db: Db,
  options: ServeOptions,
  databaseUrl: string,
  output: Output,
): Promise<string | null> {
  await migrate(db, (step) => output.out(`Applied migration ${step.version} (${step.name}).`))

  if (options.fixture !== undefined) {
    const existing = await listOrganizations(db)
    if (existing.length === 0) {
      const summary = await loadFixtureFile(db, options.fixture, output)
      output.out(`Loaded ${describeSummary(summary)} from ${options.fixture}.`)
    } else {
      output.out(`Not loading ${options.fixture}: the database already holds organizations.`)
    }
  }

  let demoKey: string | null = null
  if (options.demo) {
    const demo = await ensureDemo(db, databaseUrl, unixNow())
    if (demo.kind === 'skipped') {
      output.out(
        `Not creating the demo: the database already holds ${demo.domains.join(', ')}. ` +
          `Get a key with "opencrunch keys create --org ${demo.domains[0]}".`,
      )
    } else {
      demoKey = demo.key
      const what = { created: 'Created', reused: 'Using', renewed: 'Issued a new key for' }[
        demo.kind
      ]
      output.out(`${what} the demo organization "demo" in ${db.location}.`)
    }
  }

  await db.optimize()
  return demoKey
}

/**
 * On the first SIGTERM or SIGINT: stop taking connections, finish the requests in flight, close
 * the database, exit 0 (or 1 after `SHUTDOWN_GRACE_MS`). A second signal exits at once.
 */
function stopOnSignals(output: Output, close: () => Promise<void>): void {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      output.err(`${signal} received again: exiting now.`)
      process.exit(1)
    }
    stopping = true
    output.out(`${signal} received: finishing requests in flight, then stopping.`)
    setTimeout(() => {
      output.err(`Still busy after ${SHUTDOWN_GRACE_MS / 1000} s; exiting anyway.`)
      process.exit(1)
    }, SHUTDOWN_GRACE_MS).unref()
    close()
      .then(() => {
        output.out('Stopped.')
        process.exitCode = 0
      })
      .catch((error: unknown) => {
        output.err(`Shutdown failed: ${(error as Error).message}`)
        process.exitCode = 1
      })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the HelpCrunch v1 API server')
    .option('--port <port>', 'TCP port (default: PORT, else 8080; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default: HOST, else 127.0.0.1)')
    .option(
      '--database <url>',
      'SQLite file path or :memory: (default: DATABASE_URL, else ./data/opencrunch.db)',
    )
    .option('--fixture <file>', 'load this fixture first, if the database has no organizations')
    .option(
      '--rate-limit <n>',
      'requests a minute per API key; 0 turns limiting off (default: RATE_LIMIT, else 120)',
    )
    .option('--demo', 'on an empty database, create a demo organization and print its API key')
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace or silent (default: LOG_LEVEL, else info)',
    )
    .action((options: ServeOptions) => serve(options))
}
