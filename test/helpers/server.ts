import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOptions } from '../../src/server/app.js'
import type { Fixture } from '../../src/server/fixtures/fixture.schema.js'
import { loadFixture } from '../../src/server/fixtures/fixture.load.js'
import type { Db } from '../../src/server/storage/db.js'
import { migrate } from '../../src/server/storage/migrator.js'
import { openDatabase } from '../../src/server/storage/open.js'
import { freshDatabase, reusableDatabase } from './engines.js'
import { checkResponsesAgainstOpenApi } from './openapi-check.js'

/** An answer as a client sees it. `body` is the parsed JSON (or `undefined` when not JSON). */
export interface TestResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly body: any
}

export interface RequestOptions {
  /** The API key; `null` sends no Authorization header. Defaults to the server's default key. */
  readonly key?: string | null
  /** Sent as JSON. */
  readonly body?: unknown
  /** Sent as is, instead of `body`. */
  readonly raw?: string
  readonly headers?: Record<string, string>
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** The database it serves, for a command line pointed at the same data. */
  readonly databaseUrl: string
  readonly db: Db
  readonly app: FastifyInstance
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>
  /** How many requests Fastify has handled: those the fast lane answered are not counted. */
  fastifyRequests(): number
  close(): Promise<void>
}

export interface TestServerOptions {
  readonly fixture?: Fixture
  /** Key used when a request names none. */
  readonly key?: string
  /** 0 (off) unless a test is about limits. */
  readonly rateLimit?: number
  readonly rateLimitWindowMs?: number
  /** Epoch milliseconds. */
  readonly now?: () => number
  /**
   * A SQLite file, for a test that needs one; memory otherwise. On PostgreSQL every server gets
   * a schema of its own either way.
   */
  readonly database?: string
  /**
   * A SQLite file of its own, removed when the server closes, as production runs (searches over
   * more than `longReadRows` rows then run on the reader thread, which a database in memory has
   * none of). Ignored with `database`.
   */
  readonly onFile?: boolean
  /** Searches over more rows than this run on the reader thread; 0 sends every one there. */
  readonly longReadRows?: number
  /** How often due snoozes are ended; the server's default (1 s) unless given. */
  readonly snoozeCheckMs?: number
  /** Redis for the rate-limit counters (and the key prefix to count under). */
  readonly redis?: { readonly url: string; readonly keyPrefix: string }
  /** Wraps the database the server uses (to watch the statements it runs, say). */
  readonly wrapDb?: (db: Db) => Db
  /** False serves every route through Fastify; the fast lane is on otherwise, as in production. */
  readonly fastLane?: boolean
  /** How webhooks are delivered; the server's defaults unless given. */
  readonly webhooks?: AppOptions['webhooks']
}

/** A SQLite file of its own on which every search and list runs on the reader thread. */
export const ON_READER_THREAD = { onFile: true, longReadRows: 0 } as const

/**
 * Starts the real server on a free loopback port, on a real SQLite database (in memory unless
 * told otherwise), with a fixture loaded. Tests talk to it over HTTP only.
 */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir =
    options.onFile && options.database === undefined
      ? mkdtempSync(join(tmpdir(), 'opencrunch-server-'))
      : null
  const file = options.database ?? (dir === null ? undefined : join(dir, 'opencrunch.db'))
  const database = file === undefined ? await reusableDatabase() : await freshDatabase(file)
  const db = await openDatabase({
    url: database.url,
    ...(options.longReadRows === undefined ? {} : { longReadRows: options.longReadRows }),
  })
  await migrate(db)
  const now = options.now ?? Date.now
  if (options.fixture) await loadFixture(db, options.fixture, Math.floor(now() / 1000))
  const app = await buildApp({
    db: options.wrapDb ? options.wrapDb(db) : db,
    rateLimit: options.rateLimit ?? 0,
    ...(options.rateLimitWindowMs === undefined
      ? {}
      : { rateLimitWindowMs: options.rateLimitWindowMs }),
    // OPENCRUNCH_TEST_LOG=error shows what a failing test's server logged.
    logLevel: (process.env.OPENCRUNCH_TEST_LOG as 'error' | undefined) ?? 'silent',
    now,
    ...(options.snoozeCheckMs === undefined ? {} : { snoozeCheckMs: options.snoozeCheckMs }),
    ...(options.redis === undefined ? {} : { redis: options.redis }),
    ...(options.fastLane === undefined ? {} : { fastLane: options.fastLane }),
    ...(options.webhooks === undefined ? {} : { webhooks: options.webhooks }),
  })
  const mismatches = checkResponsesAgainstOpenApi(app)
  let fastifyRequests = 0
  app.addHook('onRequest', (_request, _reply, done) => {
    fastifyRequests += 1
    done()
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const defaultKey = options.key ?? firstKey(options.fixture)

  return {
    url,
    databaseUrl: database.url,
    db,
    app,
    request: (method, path, requestOptions = {}) =>
      send(url, method, path, { ...requestOptions, key: keyFor(requestOptions, defaultKey) }),
    fastifyRequests: () => fastifyRequests,
    close: async () => {
      await app.close()
      await db.close()
      await database.drop()
      if (dir !== null) rmSync(dir, { recursive: true, force: true })
      if (mismatches.length > 0) {
        throw new Error(
          `Answers that /openapi.json does not describe:\n${[...new Set(mismatches)].join('\n')}`,
        )
      }
    },
  }
}

function firstKey(fixture: Fixture | undefined): string | null {
  return fixture?.organizations[0]?.apiKeys?.[0] ?? null
}

function keyFor(options: RequestOptions, fallback: string | null): string | null {
  return options.key === undefined ? fallback : options.key
}

/** One HTTP request to a running server. */
export async function send(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.key) headers.authorization ??= `Bearer ${options.key}`
  let body: string | undefined = options.raw
  if (body === undefined && options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
  }
  // Bytes, not a string: fetch would add `Content-Type: text/plain` to a string body.
  const bytes = body === undefined ? undefined : new TextEncoder().encode(body)
  const response = await fetch(baseUrl + path, { method, headers, body: bytes })
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: response.status, headers: response.headers, text, body: parsed }
}
