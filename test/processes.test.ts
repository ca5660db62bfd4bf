import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  listeningUrl,
  SLOW,
  spawnCli,
  useCliSandbox,
  waitFor,
  within,
  type Child,
} from './helpers/cli.js'
import { freshDatabase, ENGINE, ON_SQLITE, type TestDatabase } from './helpers/engines.js'
import { ACME_KEY, acmeFixture } from './helpers/fixtures.js'
import { describeRace } from './helpers/race.js'
import { REDIS_URL, redisPrefix } from './helpers/redis.js'
import { MIGRATIONS } from '../src/server/storage/migrations/index.js'
import { send } from './helpers/server.js'
import { eventually } from './helpers/wait.js'

/**
 * Two `opencrunch serve` processes on one PostgreSQL database and one Redis, as a team runs them
 * behind a load balancer; each test talks to both.
 */
interface Pair {
  readonly urls: readonly [string, string]
  close(): Promise<void>
}

async function startPair(rateLimit: number): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'opencrunch-pair-'))
  const database: TestDatabase = await freshDatabase()
  const fixture = join(dir, 'acme.json')
  writeFileSync(fixture, JSON.stringify(acmeFixture()))
  const args = [
    'serve',
    ...['--database', database.url, '--fixture', fixture, '--port', '0'],
    ...['--rate-limit', String(rateLimit), '--redis', REDIS_URL!, '--redis-prefix', redisPrefix()],
    ...['--log-level', 'warn'],
  ]
  const children: Child[] = []
  const close = async () => {
    for (const child of children) {
      child.proc.kill('SIGTERM')
      await within(child.exit, 'a server process to stop')
    }
    await database.drop()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    // The first migrates and loads the fixture; the second finds both done.
    children.push(spawnCli(args, dir))
    const first = await listeningUrl(children[0]!)
    children.push(spawnCli(args, dir))
    const second = await listeningUrl(children[1]!)
    return { urls: [first, second], close }
  } catch (error) {
    await close()
    throw error
  }
}

/** The request-id prefix (one per process) of the process that answers a new connection. */
function answeredBy(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpGet(`${url}/healthz`, { agent: false }, (response) => {
      response.resume()
      resolve(String(response.headers['x-request-id']).split('-')[0]!)
    })
    request.on('error', reject)
  })
}

const SEVERAL_PROCESSES = ENGINE === 'postgres' && REDIS_URL !== undefined

describe.runIf(SEVERAL_PROCESSES)('two server processes, one PostgreSQL, one Redis', SLOW, () => {
  let pair: Pair
  beforeAll(async () => {
    pair = await startPair(6)
  }, SLOW.timeout)
  afterAll(async () => {
    await pair?.close()
  })

  it('hold one rate limit between them', async () => {
    const statuses = []
    for (let i = 0; i < 8; i++) {
      const res = await send(pair.urls[i % 2]!, 'GET', '/v1/chats', { key: ACME_KEY })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429])
  })

  it('answer the same chat byte for byte', async () => {
    const [a, b] = await Promise.all(
      pair.urls.map((url) => send(url, 'GET', '/v1/chats/2', { key: ACME_KEY })),
    )
    expect(a!.status).toBe(429) // the limit of the test before still holds, in both
    expect(b!.text).toBe(a!.text)
  })
})

if (SEVERAL_PROCESSES) {
  // The same storm as test/read-concurrency.test.ts, every other request to the other process.
  describeRace('read state under 240 concurrent requests from two processes', async () => {
    const pair = await startPair(0)
    return {
      request: (index, method, path, body) =>
        send(pair.urls[index % 2]!, method, path, {
          key: ACME_KEY,
          ...(body === undefined ? {} : { body }),
        }),
      close: () => pair.close(),
    }
  })
}

describe.runIf(ENGINE === 'postgres')(
  'migrations started by several processes at once',
  SLOW,
  () => {
    const cli = useCliSandbox()

    it('are applied once, and every process ends on the newest schema', async () => {
      const database = await freshDatabase()
      try {
        const runs = await Promise.all(
          Array.from({ length: 4 }, () => cli.run(['migrate', '--database', database.url])),
        )
        expect(runs.map((run) => [run.code, run.stderr])).toEqual(runs.map(() => [0, '']))
        const applied = runs.flatMap((run) => run.stdout.match(/^Applied \d+ /gm) ?? [])
        expect(applied.sort()).toEqual(MIGRATIONS.map((m) => `Applied ${m.version} `).sort())
      } finally {
        await database.drop()
      }
    })
  },
)

describe('serve --workers', SLOW, () => {
  const cli = useCliSandbox()

  it.runIf(ENGINE === 'postgres')(
    'serves from N processes on one port and stops them all on SIGTERM',
    async () => {
      const database = await freshDatabase()
      try {
        const { child, url } = await cli.serve(
          ['--workers', '2', '--demo', '--port', '0', '--rate-limit', '0'],
          { DATABASE_URL: database.url },
        )
        expect(child.stdout).toMatch(/listening on .*, 2 processes\)/)
        const key = (await waitFor(child, /API key: (\S+)/))[1]!
        const answers = await Promise.all(
          Array.from({ length: 8 }, () =>
            send(url, 'PUT', '/v1/chats/readByAgent', { key, body: { id: 5208, read: true } }),
          ),
        )
        expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200))
        // Request ids start with their process's own prefix: two processes answered.
        const prefixes = new Set(
          await Promise.all(Array.from({ length: 8 }, () => answeredBy(url))),
        )
        expect(prefixes.size).toBe(2)

        // A worker that dies is replaced, and the primary says so.
        const workers = execFileSync('pgrep', ['-P', String(child.proc.pid)], { encoding: 'utf8' })
        process.kill(Number(workers.trim().split('\n')[0]), 'SIGKILL')
        await waitFor(child, /was killed by SIGKILL; starting another/, 'stderr')
        // The replacement listens on the same port, and answers its share again.
        await eventually(async () => {
          // A new connection each: the cluster hands out connections, not requests.
          const again = await Promise.all(Array.from({ length: 8 }, () => answeredBy(url)))
          return new Set(again).size === 2 && again.some((prefix) => !prefixes.has(prefix))
        })

        child.proc.kill('SIGTERM')
        const code = await within(child.exit, 'serve --workers to stop')
        expect(code, child.stdout + child.stderr).toBe(0)
        expect(child.stdout).toContain('Stopped.')
      } finally {
        await database.drop()
      }
    },
  )

  it.runIf(ENGINE === 'postgres')(
    "exits with the workers' reason when their port is in use, serving nothing",
    async () => {
      const database = await freshDatabase()
      try {
        const first = await cli.serve(['--port', '0'], { DATABASE_URL: database.url })
        const port = new URL(first.url).port
        const { code, stdout, stderr } = await cli.run(
          ['serve', '--workers', '2', '--port', port],
          {
            DATABASE_URL: database.url,
          },
        )
        expect(code).toBe(1)
        expect(stdout).not.toContain('listening on')
        expect(stderr).toContain(`opencrunch: port ${port} on 127.0.0.1 is already in use`)
        expect(stderr).toContain('A server worker exited with code 1 before it was listening')
        expect((await send(first.url, 'GET', '/healthz')).status).toBe(200)
      } finally {
        await database.drop()
      }
    },
  )

  it.runIf(ON_SQLITE)('is refused on SQLite, saying why and what to do', async () => {
    const { code, stderr, stdout } = await cli.run(['serve', '--workers', '2'])
    expect(code).toBe(1)
    expect(stderr).toContain('--workers 2 needs PostgreSQL')
    expect(stderr).toContain('Leave out --workers, or pass --database postgres://')
    expect(stdout).not.toContain('listening')
  })
})
