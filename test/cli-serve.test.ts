import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LONG_READ_ROWS } from '../src/server/storage/sqlite.js'
import { CLI_WORLD, SLOW, useCliSandbox, waitFor, within, type Child } from './helpers/cli.js'
import { asAdmin, ENGINE, freshDatabase } from './helpers/engines.js'
import { send } from './helpers/server.js'

const cli = useCliSandbox()
const { run, serve, start } = cli

/**
 * Sends `signal` to a server and resolves with its exit code. An answered request first proves
 * the server is past its start-up (the race with the "listening" line has its own test).
 */
async function stop({ child, url }: { child: Child; url: string }, signal: NodeJS.Signals) {
  expect((await send(url, 'GET', '/healthz')).status).toBe(200)
  child.proc.kill(signal)
  return within(child.exit, `serve to stop on ${signal}\n${child.stdout}${child.stderr}`)
}

const apiKeyLine = (stdout: string) => /^API key: (\S+)$/m.exec(stdout)?.[1]

/** Starts `serve --demo` and resolves once it has printed its key and the curl to try. */
async function serveDemo(database: string) {
  const { child, url } = await serve(['--demo', '--port', '0', '--database', database])
  const key = (await waitFor(child, /^API key: (\S+)$/m))[1]!
  await waitFor(child, /^Try: curl .*$/m)
  return { child, url, key }
}

/** How many threads a process runs, where Linux says (`/proc`); `undefined` elsewhere. */
const threadsOf = (pid: number | undefined) =>
  existsSync(`/proc/${pid}/task`) ? readdirSync(`/proc/${pid}/task`).length : undefined

describe('serve on an organization with thousands of chats', SLOW, () => {
  it('stops cleanly after a search ran on the reader thread', async () => {
    const database = ['--database', cli.path('big.db')]
    expect((await run(['orgs', 'create', 'big', ...database])).code).toBe(0)
    const keys = await run(['keys', 'create', '--org', 'big', ...database])
    const key = keys.stdout.trim().split('\n').at(-1)!
    // One chat more than a search runs on the server's own connection for.
    const seed = ['--chats', String(LONG_READ_ROWS + 1), '--messages-per-chat', '1']
    expect((await run(['seed', '--org', 'big', ...seed, ...database])).code).toBe(0)
    const server = await serve(['--port', '0', ...database])
    const before = threadsOf(server.child.proc.pid)
    // The search starts the reader thread, which must not cut the stop short of closing the file.
    const opened = await send(server.url, 'POST', '/v1/chats/search', {
      key,
      body: { filter: [{ field: 'status', operator: '!=', value: 'closed' }], limit: 1 },
    })
    expect(opened.status, opened.text).toBe(200)
    expect(opened.body.data).toHaveLength(1)
    if (before !== undefined) expect(threadsOf(server.child.proc.pid)).toBe(before + 1)
    expect(await stop(server, 'SIGTERM')).toBe(0)
    expect(server.child.stdout).toMatch(/^Stopped\.$/m)
    expect(existsSync(`${cli.path('big.db')}-wal`)).toBe(false)
  })
})

describe('serve --demo', SLOW, () => {
  it('prints its key, serves the article chat, stops cleanly, and reuses the key', async () => {
    const file = cli.path('demo.db')
    const first = await serveDemo(file)
    const key = first.key
    expect(key).toMatch(/^\S{32,}$/)
    expect(first.child.stdout.split('\n')).toContain(`API key: ${key}`)
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const before = await send(first.url, 'GET', '/v1/chats/5208', { key })
    expect(before.body).toMatchObject({ id: 5208, readByAgent: false })
    const read = await send(first.url, 'PUT', '/v1/chats/readByAgent', {
      key,
      body: { id: 5208, read: true },
    })
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ id: 5208, readByAgent: true })
    const agents = await send(first.url, 'GET', '/v1/agents', { key })
    expect(agents.body.meta.total).toBeGreaterThan(1)
    const departments = await send(first.url, 'GET', '/v1/departments', { key })
    expect(departments.body.meta.total).toBeGreaterThanOrEqual(1)
    const customers = await send(first.url, 'GET', '/v1/customers', { key })
    expect(customers.body.total).toBeGreaterThan(0)
    expect((await send(first.url, 'GET', '/v1/chats/5208/messages', { key })).status).toBe(200)
    const unread = await send(first.url, 'POST', '/v1/chats/search', {
      key,
      body: { filter: [{ field: 'readByAgent', operator: '=', value: false }] },
    })
    expect(unread.status, unread.text).toBe(200)
    expect(unread.body.data.map((chat: { id: number }) => chat.id)).not.toContain(5208)

    expect(await stop(first, 'SIGTERM')).toBe(0)
    expect(first.child.stdout).toMatch(/^Stopped\.$/m)
    // Every connection closed: the last one copied the WAL into the file and removed it.
    expect(existsSync(`${file}-wal`)).toBe(false)
    expect(statSync(`${file}.demo-key`).mode & 0o777).toBe(0o600)

    const second = await serveDemo(file)
    expect(second.key).toBe(key)
    expect(second.child.stdout).not.toContain('Created the demo')
    const chat = await send(second.url, 'GET', '/v1/chats/5208', { key })
    expect(chat.status).toBe(200)
    expect(chat.body.readByAgent).toBe(true)
    expect(await stop(second, 'SIGINT')).toBe(0)
    expect(second.child.stdout).toContain('SIGINT received')
    expect(second.child.stdout).toMatch(/^Stopped\.$/m)
  })

  it('issues a working key again when the saved one was revoked', async () => {
    const file = cli.path('demo.db')
    const first = await serveDemo(file)
    const key = first.key
    expect(await stop(first, 'SIGTERM')).toBe(0)
    expect((await run(['keys', 'revoke', '1', '--database', file])).code).toBe(0)
    const second = await serveDemo(file)
    expect(second.key).not.toBe(key)
    expect((await send(second.url, 'GET', '/v1/organization', { key: second.key })).status).toBe(
      200,
    )
    expect((await send(second.url, 'GET', '/v1/organization', { key })).status).toBe(401)
  })

  it('leaves a database holding other organizations alone and says how to get a key', async () => {
    await run(['orgs', 'create', 'acme'])
    const { child, url } = await serve(['--demo', '--port', '0'])
    // A key line would have been written before the server answers anything.
    expect((await send(url, 'GET', '/healthz')).status).toBe(200)
    expect(apiKeyLine(child.stdout)).toBeUndefined()
    expect(child.stdout).toContain('opencrunch keys create --org acme')
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await run(['orgs', 'list'])).stdout).not.toMatch(/\sdemo\s/)
  })

  it('runs the demo on an in-memory database', async () => {
    const server = await serveDemo(':memory:')
    const chat = await send(server.url, 'GET', '/v1/chats/5208', { key: server.key })
    expect(chat.status).toBe(200)
    expect(await stop(server, 'SIGTERM')).toBe(0)
  })
})

describe('serve', SLOW, () => {
  it('loads --fixture into an empty database before listening, and only once', async () => {
    const fixture = cli.path('world.json')
    writeFileSync(fixture, JSON.stringify(CLI_WORLD))
    const file = cli.path('fixture.db')
    const first = await serve(['--fixture', fixture, '--port', '0', '--database', file])
    const loaded = first.child.stdout.indexOf('Loaded 1 organization')
    expect(loaded).toBeGreaterThanOrEqual(0)
    expect(loaded).toBeLessThan(first.child.stdout.indexOf('listening on'))
    const chat = await send(first.url, 'GET', '/v1/chats/5208', { key: 'acme-test-key-1' })
    expect(chat.status).toBe(200)
    expect(chat.body).toMatchObject({ id: 5208, customer: { id: 100 } })
    expect(await stop(first, 'SIGTERM')).toBe(0)

    // A restart reads no fixture into a database that has organizations: the file may be gone.
    rmSync(fixture)
    const second = await serve(['--fixture', fixture, '--port', '0', '--database', file])
    expect(second.child.stdout).toContain('Not loading')
    const orgs = await run(['orgs', 'list', '--database', file])
    expect(orgs.stdout.trim().split('\n')).toHaveLength(2)
  })

  it('keeps every acknowledged mark-read when the process is killed right after answering', async () => {
    const fixture = cli.path('world.json')
    writeFileSync(fixture, JSON.stringify(CLI_WORLD))
    const file = cli.path('durable.db')
    const key = 'acme-test-key-1'
    const first = await serve(['--fixture', fixture, '--port', '0', '--database', file])
    // The customer writes last, so the agent side starts unread.
    await send(first.url, 'POST', '/v1/messages', {
      key,
      body: { chat: 5208, text: 'still there?', type: 'message' },
    })
    const marked = await send(first.url, 'PUT', '/v1/chats/readByAgent', {
      key,
      body: { id: 5208, read: true },
    })
    expect(marked.body.readByAgent).toBe(true)
    first.child.proc.kill('SIGKILL')
    await first.child.exit

    const second = await serve(['--port', '0', '--database', file])
    const chat = await send(second.url, 'GET', '/v1/chats/5208', { key })
    expect(chat.body).toMatchObject({ readByAgent: true, lastMessageText: 'still there?' })
  })

  it('stops cleanly on a SIGTERM sent as soon as it says it is listening', async () => {
    // "listening on" tells a supervisor the server is up, so a SIGTERM sent right after it
    // must already take the clean path. Repeated, because a missing handler loses a race.
    for (let attempt = 0; attempt < 10; attempt++) {
      const child = start(['serve', '--port', '0', '--database', ':memory:'])
      let sent = false
      child.proc.stdout!.on('data', () => {
        if (!sent && /listening on/.test(child.stdout)) sent = child.proc.kill('SIGTERM')
      })
      const code = await within(child.exit, `serve to stop\n${child.stdout}${child.stderr}`)
      expect({ attempt, code, signal: child.proc.signalCode }).toEqual({
        attempt,
        code: 0,
        signal: null,
      })
      expect(child.stdout).toMatch(/^Stopped\.$/m)
    }
  })

  it('refuses a bad --fixture without listening', async () => {
    const bad = structuredClone(CLI_WORLD) as any
    bad.organizations[0].chats[0].status = 'closedish'
    const fixture = cli.path('bad.json')
    writeFileSync(fixture, JSON.stringify(bad))
    const { code, stdout, stderr } = await run(['serve', '--fixture', fixture, '--port', '0'])
    expect(code).toBe(1)
    expect(stdout).not.toContain('listening on')
    expect(stderr).toContain('organizations[0].chats[0].status')
  })

  it('refuses a --fixture it cannot read before it makes or migrates a database', async () => {
    const missing = cli.path('missing.json')
    const database = cli.path('unmade.db')
    const { code, stdout, stderr } = await run([
      'serve',
      '--fixture',
      missing,
      '--port',
      '0',
      '--database',
      database,
    ])
    expect(code).toBe(1)
    expect(stderr).toContain(`Cannot read fixture ${missing}`)
    expect(stdout).not.toContain('Applied migration')
    expect(existsSync(database)).toBe(false)
  })

  it.each([
    [['--port', 'abc'], {}, '--port'],
    [['--port', '70000'], {}, '--port'],
    [[], { PORT: 'abc' }, 'PORT'],
    [['--rate-limit', '-1'], {}, '--rate-limit'],
    [['--log-level', 'loud'], {}, '--log-level'],
  ])('refuses %j %j, naming %s', async (args, env, name) => {
    const { code, stdout, stderr } = await run(['serve', ...args], env)
    expect(code).toBe(1)
    expect(stdout).not.toContain('listening on')
    expect(stderr).toContain(name)
    expect(stderr).toContain('got "')
  })

  it('refuses a port in use, says how to choose another, and exits, the first server unharmed', async () => {
    const first = await serve(['--demo', '--port', '0', '--database', cli.path('first.db')])
    const port = new URL(first.url).port
    const second = await run(['serve', '--port', port, '--database', cli.path('second.db')])
    expect(second.code).toBe(1)
    expect(second.stdout).not.toContain('listening on')
    expect(second.stderr).toBe(
      `opencrunch: port ${port} on 127.0.0.1 is already in use, by another opencrunch or another ` +
        'server. Stop that one, or choose another with --port N or PORT=N (0 picks a free one).\n',
    )
    expect(await stop(first, 'SIGTERM')).toBe(0)
  })

  it('refuses a host name that does not resolve, saying which to use', async () => {
    // .invalid names never resolve (RFC 2606).
    const { code, stdout, stderr } = await run([
      'serve',
      '--host',
      'nowhere.invalid',
      '--port',
      '0',
    ])
    expect(code).toBe(1)
    expect(stdout).not.toContain('listening on')
    expect(stderr).toContain('opencrunch: the host name nowhere.invalid could not be resolved')
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('refuses an address no interface has, saying which to use', async () => {
    // 192.0.2.1 is reserved for documentation: no machine has it.
    const { code, stdout, stderr } = await run(['serve', '--host', '192.0.2.1', '--port', '0'])
    expect(code).toBe(1)
    expect(stdout).not.toContain('listening on')
    expect(stderr).toContain('opencrunch: no network interface of this machine has the address')
    expect(stderr).toContain('127.0.0.1 (this machine only) or 0.0.0.0 (every interface)')
  })

  it('answers the third request with a 429 under --rate-limit 2', async () => {
    const fixture = cli.path('world.json')
    writeFileSync(fixture, JSON.stringify(CLI_WORLD))
    const args = ['--fixture', fixture, '--port', '0', '--rate-limit', '2']
    const { url } = await serve(args)
    const key = 'acme-test-key-1'
    const answers = []
    for (let i = 0; i < 3; i++) answers.push(await send(url, 'GET', '/v1/agents', { key }))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429])
    expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe('2')
    expect(Number(answers[2]!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(answers[2]!.body.errors).toContainEqual(
      expect.objectContaining({ code: 'too_many_requests' }),
    )
  })

  it('takes PORT and RATE_LIMIT from the environment; 0 turns limiting off', async () => {
    const fixture = cli.path('world.json')
    writeFileSync(fixture, JSON.stringify(CLI_WORLD))
    const { url } = await serve(['--fixture', fixture], { PORT: '0', RATE_LIMIT: '0' })
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(url).not.toMatch(/:8080$/)
    for (let i = 0; i < 5; i++) {
      const answer = await send(url, 'GET', '/v1/agents', { key: 'acme-test-key-1' })
      expect(answer.status).toBe(200)
      expect(answer.headers.get('x-ratelimit-limit')).toBeNull()
    }
  })
})

describe.runIf(ENGINE === 'postgres')('serve on PostgreSQL', SLOW, () => {
  it('logs a dropped idle connection as JSON, in the log a collector reads, and goes on', async () => {
    const database = await freshDatabase()
    // A name of its own, so that only this server's connections are dropped.
    const name = `oc-background-${randomBytes(4).toString('hex')}`
    try {
      const server = await serve([
        '--port',
        '0',
        '--database',
        `${database.url}&application_name=${name}`,
      ])
      expect((await send(server.url, 'GET', '/healthz')).status).toBe(200)
      await asAdmin(async (client) => {
        const { rowCount } = await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [name],
        )
        expect(rowCount).toBeGreaterThan(0)
      })
      const line = await waitFor(server.child, /^\{.*"msg":"background database work failed".*\}$/m)
      const entry = JSON.parse(line[0])
      expect(entry).toMatchObject({ level: 50, detail: expect.stringContaining('terminat') })
      expect(server.child.stderr).not.toContain('Background database work failed')
      // The pool opens a new connection for the next request.
      expect((await send(server.url, 'GET', '/healthz')).status).toBe(200)
      expect(await stop(server, 'SIGTERM')).toBe(0)
    } finally {
      await database.drop()
    }
  })
})
