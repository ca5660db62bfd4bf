import type { Command } from 'commander'
import { buildApp } from '../app.js'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { loadServerConfig, type ServerConfig, type ServerFlags } from '../config.js'
import { ARTICLE_CHAT_ID } from '../fixtures/demo.js'
import { ensureDemo } from '../fixtures/demo-key.js'
import { listOrganizations } from '../features/organization/organization.repository.js'
import type { Db } from '../storage/db.js'
import { migrate } from '../storage/migrator.js'
import { openDatabase, opensNewDatabase } from '../storage/open.js'
import type { Fixture } from '../fixtures/fixture.schema.js'
import { describeSummary, loadFixtureData, readFixtureFile } from './fixture.js'
import {
  isServeWorker,
  leavePrimary,
  onStopRequest,
  reportListening,
  pickFreePort,
  sharedPort,
  startWorkers,
} from './serve-workers.js'
import { CommandError, terminal, unixNow, type Output } from './shared.js'

interface ServeOptions extends ServerFlags {
  readonly fixture?: string
  readonly demo?: boolean
}

/** How long a shutdown may wait for requests in flight before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000

/**
 * Runs the server until SIGTERM or SIGINT: opens and migrates the database, loads `--fixture`
 * and `--demo` data into an empty one, listens (in `--workers` processes, on PostgreSQL), and on
 * a signal stops taking connections, finishes the requests in flight, closes the database and
 * exits 0.
 */
export async function serve(options: ServeOptions, output: Output = terminal): Promise<void> {
  const config = loadServerConfig(options)
  if (isServeWorker()) return serveAsWorker(config, output)
  // Into a database still to be made, read the fixture first: one that cannot be read or is not
  // one leaves no database behind. A database that exists may hold organizations already, and
  // then the fixture is not read at all (a restart after the file has gone keeps working).
  const fixture =
    options.fixture === undefined
      ? undefined
      : {
          file: options.fixture,
          data: opensNewDatabase(config.databaseUrl)
            ? await readFixtureFile(options.fixture)
            : null,
        }
  const background = new BackgroundErrors(output)
  const db = await openDatabase({
    url: config.databaseUrl,
    onBackgroundError: background.report,
  })
  let demoKey: string | null
  try {
    if (config.workers > 1 && !db.manyProcesses) {
      throw new CommandError(
        `--workers ${config.workers} needs PostgreSQL: ${db.location} is one file with one ` +
          'writer at a time, so one process serves it best. Leave out --workers, or pass ' +
          '--database postgres://user:password@host:5432/database.',
      )
    }
    demoKey = await prepareData(db, options, fixture, config.databaseUrl, output)
  } catch (error) {
    await db.close()
    throw error
  }

  let port: number
  if (config.workers > 1) {
    await db.close()
    const shared = config.port === 0 ? await pickFreePort(config.host) : config.port
    const workers = await startWorkers(config.workers, shared, output)
    stopOnSignals(output, () => workers.stop())
    port = shared
  } else {
    const app = await startApp(db, config)
    background.logTo(app.log)
    // Before listening: a supervisor may signal as soon as it sees the "listening" line.
    stopOnSignals(output, async () => {
      await app.close()
      await db.close()
    })
    port = await listen(app, db, config)
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const base = `http://${host}:${port}/v1`
  const processes = config.workers > 1 ? `, ${config.workers} processes` : ''
  output.out(`opencrunch is listening on ${base} (${db.location}${processes})`)
  if (demoKey !== null) {
    output.out(`API key: ${demoKey}`)
    output.out(
      `Try: curl -X PUT ${base}/chats/readByAgent -H "Authorization: Bearer ${demoKey}" ` +
        `-d '{"id": ${ARTICLE_CHAT_ID}, "read": true}'`,
    )
  }
}

/** One of `--workers` processes: serves what the primary prepared, until the primary says stop. */
async function serveAsWorker(config: ServerConfig, output: Output): Promise<void> {
  const background = new BackgroundErrors(output)
  const db = await openDatabase({
    url: config.databaseUrl,
    onBackgroundError: background.report,
  })
  const started: { app?: FastifyInstance } = {}
  let stopped = false
  const stop = () => {
    if (stopped) return
    stopped = true
    // A stop may come while the worker is still starting: then there is no app to close yet.
    void Promise.resolve(started.app?.close())
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          output.err(`Worker shutdown failed: ${(error as Error).message}`)
          process.exit(1)
        },
      )
  }
  // The primary asks each worker to stop; a terminal's Ctrl-C also reaches workers directly.
  onStopRequest(stop)
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  const app = await startApp(db, config)
  background.logTo(app.log)
  started.app = app
  if (stopped) return
  // Every worker, replacements included, listens on the one port the primary chose.
  try {
    await listen(app, db, { ...config, port: sharedPort() ?? config.port })
  } catch (error) {
    // The channel to the primary too, so that this worker exits with the error and the primary
    // sees it.
    leavePrimary()
    throw error
  }
  reportListening()
}

/**
 * Where failures of the database's background work go (an idle PostgreSQL connection dropped, a
 * SQLite checkpoint that failed): stderr while the server starts, then the server's JSON log,
 * beside the request failures a log collector already reads.
 */
class BackgroundErrors {
  private log: FastifyBaseLogger | null = null

  constructor(private readonly output: Output) {}

  readonly report = (message: string): void => {
    if (this.log === null) this.output.err(`Background database work failed: ${message}`)
    else this.log.error({ detail: message }, 'background database work failed')
  }

  logTo(log: FastifyBaseLogger): void {
    this.log = log
  }
}

function startApp(db: Db, config: ServerConfig): Promise<FastifyInstance> {
  return buildApp({
    db,
    rateLimit: config.rateLimit,
    logLevel: config.logLevel,
    ...(config.redisUrl === null
      ? {}
      : { redis: { url: config.redisUrl, keyPrefix: config.redisPrefix } }),
  })
}

/**
 * Listens as configured; resolves with the port (the one picked, for port 0). An address it
 * cannot take is a `CommandError` that says what to change, thrown once the app and `db` are
 * closed (nothing was served), so that the process can exit with it.
 */
async function listen(app: FastifyInstance, db: Db, config: ServerConfig): Promise<number> {
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await app.close()
    await db.close()
    throw cannotListen(error, config)
  }
  const address = app.server.address()
  return typeof address === 'object' && address !== null ? address.port : config.port
}

function cannotListen(error: unknown, { host, port }: ServerConfig): unknown {
  const otherPort = 'choose another with --port N or PORT=N (0 picks a free one)'
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new CommandError(
        `port ${port} on ${host} is already in use, by another opencrunch or another server. ` +
          `Stop that one, or ${otherPort}.`,
      )
    case 'EACCES':
      return new CommandError(
        `this user may not listen on port ${port} on ${host} (ports below 1024 need ` +
          `privileges); ${otherPort}.`,
      )
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CommandError(
        `the host name ${host} could not be resolved to an address` +
          `${(error as NodeJS.ErrnoException).code === 'EAI_AGAIN' ? ' (is DNS reachable?)' : ''}. ` +
          'Listen on 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an address of ' +
          'this machine, with --host or HOST.',
      )
    case 'EADDRNOTAVAIL':
      return new CommandError(
        `no network interface of this machine has the address ${host}. Listen on 127.0.0.1 ` +
          '(this machine only) or 0.0.0.0 (every interface) with --host or HOST.',
      )
    default:
      return error
  }
}

/**
 * Migrates the database, then loads `--fixture` and `--demo` data into it when it is empty.
 * Returns the demo key to print, if any.
 */
async function prepareData(
  db: Db,
  options: ServeOptions,
  fixture: { readonly file: string; readonly data: Fixture | null } | undefined,
  databaseUrl: string,
  output: Output,
): Promise<string | null> {
  await migrate(db, (step) => output.out(`Applied migration ${step.version} (${step.name}).`))

  if (fixture !== undefined) {
    const existing = await listOrganizations(db)
    if (existing.length === 0) {
      const data = fixture.data ?? (await readFixtureFile(fixture.file))
      const summary = await loadFixtureData(db, data, fixture.file, output)
      output.out(`Loaded ${describeSummary(summary)} from ${fixture.file}.`)
    } else {
      output.out(`Not loading ${fixture.file}: the database already holds organizations.`)
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
      'postgres://..., a SQLite file path or :memory: (default: DATABASE_URL, else ./data/opencrunch.db)',
    )
    .option('--fixture <file>', 'load this fixture first, if the database has no organizations')
    .option(
      '--rate-limit <n>',
      'requests a minute per API key; 0 turns limiting off (default: RATE_LIMIT, else 120)',
    )
    .option('--demo', 'on an empty database, create a demo organization and print its API key')
    .option(
      '--redis <url>',
      'Redis that several processes share rate limits through (default: REDIS_URL, else none)',
    )
    .option(
      '--redis-prefix <prefix>',
      'prefix of every Redis key (default: REDIS_PREFIX, else opencrunch:)',
    )
    .option(
      '--workers <n>',
      'server processes on this machine, PostgreSQL only (default: WORKERS, else 1)',
    )
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace or silent (default: LOG_LEVEL, else info)',
    )
    .action((options: ServeOptions) => serve(options))
}
