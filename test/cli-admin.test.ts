import { existsSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { KEY_CACHE_MS } from '../src/server/features/api-keys/api-keys.service.js'
import { MIGRATIONS } from '../src/server/storage/migrations/index.js'
import { CLI_WORLD, SLOW, useCliSandbox } from './helpers/cli.js'
import { send } from './helpers/server.js'

const LATEST = MIGRATIONS.at(-1)!.version
const cli = useCliSandbox()
const { run, serve, writeJson } = cli

describe('--help', SLOW, () => {
  it.each([
    [[], ['serve', 'orgs', 'keys', 'fixture', 'migrate']],
    [['serve'], ['--port', '--host', '--database', '--fixture', '--rate-limit', '--demo']],
    [['orgs'], ['create', 'list']],
    [
      ['orgs', 'create'],
      ['<domain>', '--database'],
    ],
    [['orgs', 'list'], ['--database']],
    [['keys'], ['create', 'list', 'revoke']],
    [
      ['keys', 'create'],
      ['--org', '--database'],
    ],
    [
      ['keys', 'list'],
      ['--org', '--database'],
    ],
    [
      ['keys', 'revoke'],
      ['<id>', '--database'],
    ],
    [['fixture'], ['load']],
    [
      ['fixture', 'load'],
      ['<file>', '--database'],
    ],
    [['migrate'], ['--database']],
  ])('opencrunch %j --help mentions %j', async (command, mentions) => {
    const { code, stdout } = await run([...command, '--help'])
    expect(code).toBe(0)
    expect(stdout).toContain(`Usage: opencrunch ${command.join(' ')}`.trimEnd())
    for (const word of mentions) expect(stdout).toContain(word)
  })
})

describe('orgs and keys', SLOW, () => {
  it('creates and lists organizations', async () => {
    const created = await run(['orgs', 'create', 'acme'])
    expect(created.code).toBe(0)
    expect(created.stderr).toContain('Created organization "acme"')
    expect((await run(['orgs', 'create', 'acme'])).code).toBe(1)
    const bad = await run(['orgs', 'create', 'Not A Domain'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('not a valid domain')
    const list = await run(['orgs', 'list'])
    expect(list.code).toBe(0)
    const rows = list.stdout.trim().split('\n')
    expect(rows).toHaveLength(2)
    expect(rows[1]!.split(/\s+/)).toEqual(['1', 'acme', 'yes', 'yes'])
  })

  it('prints only the new key, and the key works against the server', async () => {
    const file = cli.path('keys.db')
    expect((await run(['orgs', 'create', 'acme', '--database', file])).code).toBe(0)
    const created = await run(['keys', 'create', '--org', 'acme', '--database', file])
    expect(created.code).toBe(0)
    // One line, the key: nothing else on stdout, so `KEY=$(opencrunch keys create ...)` works.
    expect(created.stdout).toMatch(/^[A-Za-z0-9_-]{32,}\n$/)
    const key = created.stdout.trim()
    const other = await run(['keys', 'create', '--org', 'acme', '--database', file])
    expect(other.stdout.trim()).not.toBe(key)

    const { url } = await serve(['--port', '0', '--database', file])
    const org = await send(url, 'GET', '/v1/organization', { key })
    expect(org.status).toBe(200)
    expect(org.body.data).toMatchObject({ domain: 'acme' })
    expect((await send(url, 'GET', '/v1/organization', { key: `${key}x` })).status).toBe(401)
  })

  it('refuses a key for an unknown organization and says what to do', async () => {
    expect((await run(['orgs', 'create', 'acme'])).code).toBe(0)
    const { code, stdout, stderr } = await run(['keys', 'create', '--org', 'nope'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('No organization "nope"')
    expect(stderr).toContain('opencrunch orgs create nope')
  })

  it('lists keys without ever printing one, and revokes a key so it stops working', async () => {
    await run(['orgs', 'create', 'acme'])
    await run(['orgs', 'create', 'globex'])
    const acme = (await run(['keys', 'create', '--org', 'acme'])).stdout.trim()
    const globex = (await run(['keys', 'create', '--org', 'globex'])).stdout.trim()
    const list = await run(['keys', 'list'])
    expect(list.code).toBe(0)
    for (const key of [acme, globex]) {
      expect(list.stdout + list.stderr).not.toContain(key)
      expect(list.stdout + list.stderr).not.toContain(key.slice(0, 20))
    }
    const row = (stdout: string, domain: string) =>
      stdout.split('\n').find((line) => line.split(/\s+/)[1] === domain)
    const id = row(list.stdout, 'acme')!.split(/\s+/)[0]!
    expect(row(list.stdout, 'acme')).toMatch(/\sactive$/)
    const only = await run(['keys', 'list', '--org', 'globex'])
    expect(row(only.stdout, 'acme')).toBeUndefined()
    expect(row(only.stdout, 'globex')).toBeDefined()

    const { url } = await serve(['--port', '0'])
    expect((await send(url, 'GET', '/v1/agents', { key: acme })).status).toBe(200)
    const revoked = await run(['keys', 'revoke', id])
    expect(revoked.code).toBe(0)
    // The server trusts a key it checked for a second (KEY_CACHE_MS); then it asks again.
    const deadline = Date.now() + 3 * KEY_CACHE_MS
    let status = 200
    while (status !== 401 && Date.now() < deadline) {
      status = (await send(url, 'GET', '/v1/agents', { key: acme })).status
      if (status !== 401) await sleep(100)
    }
    expect(status).toBe(401)
    expect((await send(url, 'GET', '/v1/agents', { key: globex })).status).toBe(200)
    expect(row((await run(['keys', 'list'])).stdout, 'acme')).toMatch(/\srevoked$/)
    expect((await run(['keys', 'revoke', id])).code).toBe(1)
    const notId = await run(['keys', 'revoke', 'abc'])
    expect(notId.code).toBe(1)
    expect(notId.stderr).toContain('keys list')
  })

  it('finds the database the same way in every command: --database, else DATABASE_URL', async () => {
    const viaEnv = cli.path('env.db')
    const viaFlag = cli.path('flag.db')
    expect((await run(['orgs', 'create', 'envorg'], { DATABASE_URL: viaEnv })).code).toBe(0)
    expect(existsSync(viaEnv)).toBe(true)
    expect((await run(['orgs', 'list', '--database', viaEnv])).stdout).toContain('envorg')
    // The flag wins over the environment.
    const flagged = await run(['orgs', 'create', 'flagorg', '--database', viaFlag], {
      DATABASE_URL: viaEnv,
    })
    expect(flagged.code).toBe(0)
    expect((await run(['orgs', 'list'], { DATABASE_URL: viaEnv })).stdout).not.toContain('flagorg')
    const key = (await run(['keys', 'create', '--org', 'flagorg'], { DATABASE_URL: viaFlag }))
      .stdout
    expect(key.trim().length).toBeGreaterThanOrEqual(32)
    // Neither touched the default database.
    expect(existsSync(cli.path('data/opencrunch.db'))).toBe(false)
    const { url } = await serve(['--port', '0'], { DATABASE_URL: viaFlag })
    expect((await send(url, 'GET', '/v1/organization', { key: key.trim() })).status).toBe(200)
  })

  it('uses ./data/opencrunch.db when neither is given', async () => {
    expect((await run(['orgs', 'create', 'acme'])).code).toBe(0)
    expect(existsSync(cli.path('data/opencrunch.db'))).toBe(true)
    const list = await run(['orgs', 'list', '--database', cli.path('data/opencrunch.db')])
    expect(list.stdout).toContain('acme')
  })
})

describe('a database that cannot be opened', SLOW, () => {
  const SQLITE_ADVICE =
    'Pass the path of an opencrunch SQLite file, or of one to create, in a directory this user ' +
    'can write to.\n'

  it.each([
    [
      'a file that is not a database',
      () => writeJson('not-a-db.json', {}),
      'file is not a database',
    ],
    ['a directory', () => cli.path('.'), 'unable to open database file'],
    ['a path under a file', () => `${writeJson('file.json', {})}/x.db`, 'EEXIST'],
  ])('says so for %s, without a stack trace', async (_name, database, reason) => {
    const path = database()
    // A command that may create the database: it tries to open even a path that does not exist.
    const { code, stderr } = await run(['orgs', 'create', 'acme', '--database', path])
    expect(code).toBe(1)
    expect(stderr).toMatch(new RegExp(`^opencrunch: Cannot open the SQLite database "`))
    expect(stderr).toContain(reason)
    expect(stderr).toContain(SQLITE_ADVICE)
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it.each([
    [['orgs', 'list']],
    [['keys', 'list']],
    [['keys', 'create', '--org', 'acme']],
    [['export', '--org', 'acme']],
    [['seed', '--org', 'acme', '--chats', '1', '--messages-per-chat', '1']],
  ])('refuses a SQLite file that does not exist for %j, making none', async (args) => {
    const typo = cli.path('tpyo/opencrunch.db')
    const { code, stderr } = await run([...args, '--database', typo])
    expect(code).toBe(1)
    expect(stderr).toBe(
      `opencrunch: No database at ${typo}: is --database or DATABASE_URL mistyped? A new one is ` +
        'made by "opencrunch orgs create DOMAIN" or "opencrunch fixture load FILE".\n',
    )
    expect(existsSync(typo)).toBe(false)
  })

  it('hides a password given as a query parameter too', async () => {
    const url = 'postgres://someone@127.0.0.1:1/opencrunch?sslmode=disable&password=secret'
    const { code, stderr } = await run(['orgs', 'list', '--database', url])
    expect(code).toBe(1)
    expect(stderr).toContain(
      '"postgres://someone@127.0.0.1:1/opencrunch?sslmode=disable&password=***"',
    )
    expect(stderr).not.toContain('secret')
  })

  it('says which PostgreSQL it cannot reach and what to check', async () => {
    // Nothing listens on port 1.
    const url = 'postgres://someone:secret@127.0.0.1:1/opencrunch'
    for (const args of [
      ['orgs', 'list', '--database', url],
      ['migrate', '--database', url],
    ]) {
      const { code, stderr } = await run(args)
      expect(code).toBe(1)
      expect(stderr).toBe(
        'opencrunch: Cannot reach PostgreSQL at "postgres://someone:***@127.0.0.1:1/opencrunch": ' +
          'connect ECONNREFUSED 127.0.0.1:1. Check that the server is running and that the host, ' +
          'port, user, password and database in the URL are right.\n',
      )
    }
  })
})

describe('fixture load', SLOW, () => {
  it('loads a good file, prints a summary, and the data is served', async () => {
    const file = writeJson('world.json', CLI_WORLD)
    const loaded = await run(['fixture', 'load', file])
    expect(loaded.code).toBe(0)
    expect(loaded.stdout + loaded.stderr).toContain(
      'Loaded 1 organization, 1 API key, 1 agent, 1 department, 1 application, 1 customer, ' +
        `1 chat, 2 messages from ${file}.`,
    )
    const { url } = await serve(['--port', '0'])
    const chat = await send(url, 'GET', '/v1/chats/5208', { key: 'acme-test-key-1' })
    expect(chat.status).toBe(200)
    expect(chat.body).toMatchObject({ id: 5208, lastMessageText: 'On its way!', status: 'opened' })
  })

  it('refuses a bad file whole, names the place, and loads nothing', async () => {
    const bad = structuredClone(CLI_WORLD) as any
    bad.organizations[0].departments[0].agents = ['x@acme.test']
    bad.organizations.push({ domain: 'globex', agents: [{ name: 'H', emial: 'h@globex.test' }] })
    const file = writeJson('bad.json', bad)
    const refused = await run(['fixture', 'load', file])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(file)
    expect(refused.stderr).toContain('organizations[1].agents[0].emial')
    const checked = writeJson('checked.json', { organizations: [bad.organizations[0]] })
    const second = await run(['fixture', 'load', checked])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(
      'organizations[0].departments[0].agents[0]: no agent with email "x@acme.test"',
    )
    const list = await run(['orgs', 'list'])
    expect(list.stdout).toBe('')
    expect(list.stderr).toContain('No organizations')
  })

  it('says which file it cannot read', async () => {
    const missing = cli.path('missing.json')
    const { code, stderr } = await run(['fixture', 'load', missing])
    expect(code).toBe(1)
    expect(stderr).toContain(`Cannot read fixture ${missing}`)
    // It read the file before opening the database: no database was made for nothing.
    expect(existsSync(cli.path('data/opencrunch.db'))).toBe(false)
  })
})

describe('migrate', SLOW, () => {
  it('reports what it applied, then that the database is up to date', async () => {
    const first = await run(['migrate'])
    expect(first.code).toBe(0)
    for (const migration of MIGRATIONS) {
      expect(first.stdout).toMatch(
        new RegExp(`^Applied ${migration.version} ${migration.name} \\(\\d+ ms\\)$`, 'm'),
      )
    }
    expect(first.stdout).toContain(`is now at schema version ${LATEST} (was 0).`)
    const second = await run(['migrate'])
    expect(second.code).toBe(0)
    expect(second.stdout).not.toContain('Applied')
    expect(second.stdout).toContain(`is up to date at schema version ${LATEST}.`)
  })

  it('refuses a database newer than it knows, saying to upgrade', async () => {
    const file = cli.path('future.db')
    expect((await run(['migrate', '--database', file])).code).toBe(0)
    const { default: Database } = await import('better-sqlite3')
    const raw = new Database(file)
    raw.prepare('INSERT INTO schema_migrations VALUES (99, ?, 0)').run('future')
    raw.close()
    for (const command of [['migrate'], ['orgs', 'list'], ['serve', '--port', '0']]) {
      const { code, stderr } = await run([...command, '--database', file])
      expect(code, command.join(' ')).toBe(1)
      expect(stderr).toContain('schema version 99')
      expect(stderr).toContain('Upgrade opencrunch')
    }
  })
})
