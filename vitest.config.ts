import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'
import { HAS_SHARED, SHARED_DIR } from './test/helpers/shared.js'

/**
 * The whole suite runs once per storage engine that is configured: SQLite always, PostgreSQL
 * when OPENCRUNCH_TEST_POSTGRES_URL names a server that answers (.ci/run sets it). The Redis
 * tests run when OPENCRUNCH_TEST_REDIS_URL answers. What is absent is skipped, and the run says so.
 */
async function reachable(url: string | undefined): Promise<string | null> {
  if (!url) return 'OPENCRUNCH_TEST_POSTGRES_URL is not set'
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return `${url.replace(/\/\/([^:/@]+):[^@/]+@/, '//$1:***@')} does not answer (${(error as Error).message})`
  } finally {
    await client.end().catch(() => {})
  }
}

/** Why Redis cannot be used for the Redis tests, or null when it answers. */
async function redisMissing(url: string | undefined): Promise<string | null> {
  if (!url) return 'OPENCRUNCH_TEST_REDIS_URL is not set'
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    retryStrategy: () => null,
  })
  redis.on('error', () => {})
  try {
    await redis.connect()
    await redis.ping()
    return null
  } catch (error) {
    return `${url} does not answer (${(error as Error).message})`
  } finally {
    redis.disconnect()
  }
}

const shared = {
  include: ['test/**/*.test.ts'],
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
}

export default defineConfig(async () => {
  const projects: TestProjectInlineConfiguration[] = [
    { test: { ...shared, name: 'sqlite', env: { OPENCRUNCH_TEST_ENGINE: 'sqlite' } } },
  ]
  if (!HAS_SHARED) {
    process.stderr.write(
      `Shared documents: not found in ${SHARED_DIR}, so the seed-article and real-client-trace ` +
        "tests are skipped. Put the project's shared/ folder beside the clone, or set " +
        'OPENCRUNCH_SHARED_DIR.\n',
    )
  }
  const noRedis = await redisMissing(process.env.OPENCRUNCH_TEST_REDIS_URL)
  if (noRedis !== null) {
    // The Redis tests read this to know whether to run.
    delete process.env.OPENCRUNCH_TEST_REDIS_URL
    process.stderr.write(`Redis: skipped, ${noRedis}.\n`)
  }
  const postgresUrl = process.env.OPENCRUNCH_TEST_POSTGRES_URL
  const missing = await reachable(postgresUrl)
  if (missing === null) {
    // Each test server gets a schema named after this run; the run drops them all at its end.
    const run = randomBytes(4).toString('hex')
    process.env.OPENCRUNCH_TEST_RUN = run
    projects.push({
      test: {
        ...shared,
        name: 'postgres',
        env: { OPENCRUNCH_TEST_ENGINE: 'postgres', OPENCRUNCH_TEST_RUN: run },
        globalSetup: ['test/helpers/postgres-teardown.ts'],
      },
    })
  } else {
    process.stderr.write(`PostgreSQL: skipped, ${missing}.\n`)
  }
  return { test: { projects } }
})
