import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FixtureError, loadFixture, parseFixture } from '../src/server/fixtures/fixture.load.js'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import type { Db } from '../src/server/storage/db.js'
import { migrate } from '../src/server/storage/migrator.js'
import { openDatabase } from '../src/server/storage/open.js'
import { startServer, type TestServer } from './helpers/server.js'

const NOW = 1_795_300_000
const KEY = 'acme-test-key-1'

/** The minimal fixture of the issue. */
function minimal(): any {
  return {
    organizations: [
      {
        domain: 'acme',
        apiKeys: [KEY],
        applications: [{ name: 'Website', type: 'widget' }],
        agents: [{ name: 'Sarah', email: 'sarah@acme.test', role: 'admin' }],
        departments: [{ name: 'Support', agents: ['sarah@acme.test'] }],
      },
    ],
  }
}

/** `minimal()` with a customer and one chat, for the chat-level cases. */
function withChat(chat: Record<string, unknown>): any {
  const fixture = minimal()
  fixture.organizations[0].customers = [
    { id: 100, name: 'Alice', email: 'alice@example.com', userId: 'alice-1' },
  ]
  fixture.organizations[0].chats = [{ id: 5208, customer: 'alice-1', ...chat }]
  return fixture
}

/** The first ```json block after the "## Fixtures" heading of README.md. */
function readmeFixture(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Fixtures'))
  const match = /```json\n([\s\S]*?)\n```/.exec(section)
  if (!match?.[1]) throw new Error('README.md has no ```json block under "## Fixtures"')
  return match[1]
}

describe('loading fixtures over HTTP', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })
  const get = async (path: string) => {
    const res = await server!.request('GET', path)
    expect(res.status, `GET ${path}: ${res.text}`).toBe(200)
    return res.body
  }

  it('serves the minimal fixture of the issue', async () => {
    server = await startServer({ fixture: minimal(), now: () => NOW * 1000 })
    const sarah = { id: expect.any(Number), name: 'Sarah', email: 'sarah@acme.test', role: 'admin' }
    expect(await get('/v1/agents')).toEqual({ data: [sarah], meta: { total: 1 } })
    const departments = await get('/v1/departments')
    expect(departments.meta).toEqual({ total: 1 })
    expect(departments.data[0]).toMatchObject({ name: 'Support', agents: [sarah] })
    const applications = await get('/v1/applications')
    expect(applications.meta).toEqual({ total: 1 })
    expect(applications.data[0]).toMatchObject({
      name: 'Website',
      displayName: 'Website',
      type: 'widget',
      active: true,
    })
    expect((await get('/v1/organization')).data).toMatchObject({
      domain: 'acme',
      teamOnline: true,
      chatEnabled: true,
    })
  })

  it('loads the README example and serves chat 5208 with its derived fields', async () => {
    const fixture = parseFixture(readmeFixture(), 'README.md')
    server = await startServer({ fixture, now: () => NOW * 1000 })
    const sarah = (await get('/v1/agents')).data[0]
    const chat = await get('/v1/chats/5208')
    expect(chat).toMatchObject({
      id: 5208,
      status: 'opened',
      createdAt: '1795290000',
      createdWith: 'customer_message',
      lastCustomerMessageAt: '1795290000',
      // The reply has no createdAt: it takes the previous message's time.
      lastMessageAt: '1795290000',
      lastMessageText: 'On its way!',
      lastCommunicatedAgentId: sarah.id,
      readByAgent: true,
      readByCustomer: false,
      closedAt: null,
      closedBy: null,
      customer: { id: 100, userId: 'alice-1' },
      assignee: { id: sarah.id, email: 'sarah@acme.test' },
      department: { name: 'Support' },
    })
    expect(chat.agents).toEqual([sarah])
    const messages = await get('/v1/chats/5208/messages')
    expect(messages.total).toBe(2)
    expect(messages.data.map((m: any) => [m.from, m.text])).toEqual([
      ['agent', 'On its way!'],
      ['customer', 'Where is my order?'],
    ])
  })

  it('keeps explicit ids', async () => {
    const fixture = withChat({})
    const org = fixture.organizations[0]
    org.id = 9
    org.applications[0].id = 66
    org.agents[0].id = 77
    org.departments[0].id = 88
    server = await startServer({ fixture, now: () => NOW * 1000 })
    expect((await get('/v1/organization')).data.id).toBe(9)
    expect((await get('/v1/applications')).data.map((a: any) => a.id)).toEqual([66])
    expect((await get('/v1/agents')).data.map((a: any) => a.id)).toEqual([77])
    expect((await get('/v1/departments')).data.map((d: any) => d.id)).toEqual([88])
    expect((await get('/v1/customers/100')).id).toBe(100)
    expect(await get('/v1/chats/5208')).toMatchObject({ id: 5208, applicationId: 66 })
  })

  it('closes a chat with status closed, setting closedAt and closedBy', async () => {
    const fixture = withChat({
      status: 'closed',
      messages: [
        { from: 'customer', text: 'Thanks!', createdAt: 1795290000 },
        { from: 'agent', agent: 'sarah@acme.test', text: 'Bye', createdAt: 1795290060 },
      ],
    })
    server = await startServer({ fixture, now: () => NOW * 1000 })
    expect(await get('/v1/chats/5208')).toMatchObject({
      status: 'closed',
      closedAt: '1795290060',
      closedBy: 'agent',
    })
  })

  it('keeps closedAt and closedBy given for a closed chat', async () => {
    const fixture = withChat({
      status: 'closed',
      closedAt: 1795290500,
      closedBy: 'customer',
      messages: [{ from: 'customer', text: 'Bye', createdAt: 1795290000 }],
    })
    server = await startServer({ fixture, now: () => NOW * 1000 })
    expect(await get('/v1/chats/5208')).toMatchObject({
      status: 'closed',
      closedAt: '1795290500',
      closedBy: 'customer',
    })
  })

  it('applies readByAgent:false and readByCustomer:true after replaying the messages', async () => {
    const messages = [
      { from: 'customer', text: 'Hello', createdAt: 1795290000 },
      { from: 'agent', agent: 'sarah@acme.test', text: 'Hi', createdAt: 1795290060 },
    ]
    const fixture = withChat({ messages, readByAgent: false, readByCustomer: true })
    server = await startServer({ fixture, now: () => NOW * 1000 })
    // Replayed alone, the agent's reply would leave readByAgent true and readByCustomer false.
    expect(await get('/v1/chats/5208')).toMatchObject({
      readByAgent: false,
      readByCustomer: true,
      lastMessageText: 'Hi',
    })
  })
})

describe('a fixture with an error is refused whole', () => {
  let db: Db
  const TABLES = ['organizations', 'api_keys', 'agents', 'departments', 'customers', 'chats']

  beforeEach(async () => {
    db = await openDatabase({ url: ':memory:' })
    await migrate(db)
    // Something already in the database, to collide with.
    await loadFixture(db, { organizations: [{ domain: 'globex', apiKeys: ['globex-key-1'] }] }, NOW)
  })
  afterEach(() => db.close())

  const counts = async () => {
    const result: Record<string, number> = {}
    for (const table of TABLES) {
      const row = await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)
      result[table] = row!.n
    }
    return result
  }

  /** Loads `fixture` (an object, or JSON text) and returns the error it is refused with. */
  async function refusal(fixture: unknown): Promise<FixtureError> {
    const before = await counts()
    expect(before.organizations).toBe(1)
    let error: unknown
    try {
      const text = typeof fixture === 'string' ? fixture : JSON.stringify(fixture)
      await loadFixture(db, parseFixture(text, 'world.json'), NOW, 'world.json')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(FixtureError)
    expect(await counts()).toEqual(before)
    return error as FixtureError
  }

  async function expectRefused(fixture: unknown, path: string, detail: string | RegExp) {
    const error = await refusal(fixture)
    expect(error.problems.map((problem) => problem.path)).toContain(path)
    expect(error.message).toContain('world.json')
    const line = error.message.split('\n').find((l) => l.trim().startsWith(`${path}:`))
    expect(line, error.message).toBeDefined()
    expect(line).toMatch(detail)
  }

  it('refuses an unknown field', async () => {
    const fixture = minimal()
    fixture.organizations[0].agents[0] = { name: 'Sarah', emial: 'sarah@acme.test' }
    await expectRefused(fixture, 'organizations[0].agents[0].emial', /not expected/)
  })

  it("refuses a customer's location object, which the API takes and fixtures give as fields", async () => {
    const fixture: any = minimal()
    fixture.organizations[0].customers = [{ name: 'Ada', location: { city: 'Porto' } }]
    await expectRefused(fixture, 'organizations[0].customers[0].location', /not expected/)
  })

  it('refuses a webhook for an event opencrunch does not send, or to a URL that is not one', async () => {
    const fixture: any = minimal()
    fixture.organizations[0].webhooks = [{ event: 'chat.new', url: 'https://example.com/hook' }]
    await expectRefused(fixture, 'organizations[0].webhooks[0].event', /valid choice/)
    fixture.organizations[0].webhooks = [{ event: 'chat.read_by_agent', url: 'example.com' }]
    await expectRefused(fixture, 'organizations[0].webhooks[0].url', /is not a URL/)
    const twice = { event: 'chat.read_by_agent', url: 'https://example.com/hook' }
    fixture.organizations[0].webhooks = [twice, { ...twice }]
    await expectRefused(fixture, 'organizations[0].webhooks[1]', /given twice/)
  })

  it('refuses an id too large to be exact, naming it', async () => {
    const fixture: any = minimal()
    fixture.organizations[0].agents[0].id = 1e20
    await expectRefused(fixture, 'organizations[0].agents[0].id', /less than or equal to/)
  })

  it('refuses a top level that is not an object, naming the file', async () => {
    const error = await refusal('[]')
    expect(error.problems).toEqual([
      { path: '(file)', message: 'This value should be of type object.' },
    ])
  })

  it('refuses a department naming an unknown agent', async () => {
    const fixture = minimal()
    fixture.organizations[0].departments[0].agents.push('x@acme.test')
    await expectRefused(
      fixture,
      'organizations[0].departments[0].agents[1]',
      'no agent with email "x@acme.test"',
    )
  })

  it('refuses an API key given twice in the fixture', async () => {
    const fixture = minimal()
    fixture.organizations.push({ domain: 'initech', apiKeys: ['other-key-1', KEY] })
    await expectRefused(fixture, 'organizations[1].apiKeys[1]', /twice/)
  })

  it('refuses an API key the database already has', async () => {
    const fixture = minimal()
    fixture.organizations[0].apiKeys = ['globex-key-1']
    await expectRefused(fixture, 'organizations[0].apiKeys[0]', /already exists/)
  })

  it('refuses a domain the database already has', async () => {
    const fixture = minimal()
    fixture.organizations[0].domain = 'globex'
    fixture.organizations[0].apiKeys = ['new-key-123']
    await expectRefused(fixture, 'organizations[0].domain', /"globex" already exists/)
  })

  it('refuses an agent email given twice', async () => {
    const fixture = minimal()
    fixture.organizations[0].agents.push({ name: 'Other Sarah', email: 'sarah@acme.test' })
    await expectRefused(fixture, 'organizations[0].agents[1].email', /email/)
  })

  it('refuses a chat naming an unknown customer', async () => {
    const fixture = withChat({ customer: 'nobody-9' })
    await expectRefused(fixture, 'organizations[0].chats[0].customer', /"nobody-9"/)
  })

  it('refuses an agent message that names no agent', async () => {
    const fixture = withChat({
      messages: [
        { from: 'customer', text: 'Hello', createdAt: 1795290000 },
        { from: 'agent', text: 'Hi', createdAt: 1795290060 },
      ],
    })
    await expectRefused(fixture, 'organizations[0].chats[0].messages[1].agent', /agent/)
  })

  it('refuses messages out of chronological order', async () => {
    const fixture = withChat({
      messages: [
        { from: 'customer', text: 'Second?', createdAt: 1795290060 },
        { from: 'customer', text: 'First?', createdAt: 1795290000 },
      ],
    })
    await expectRefused(fixture, 'organizations[0].chats[0].messages[1].createdAt', /oldest first/)
  })

  it('refuses message ids on some messages of a chat but not all', async () => {
    const fixture = withChat({
      messages: [
        { id: 900, from: 'customer', text: 'Hello', createdAt: 1795290000 },
        { from: 'customer', text: 'Hello?', createdAt: 1795290060 },
      ],
    })
    await expectRefused(fixture, 'organizations[0].chats[0].messages', /every message .* or none/)
  })

  it('refuses message ids that do not grow', async () => {
    const fixture = withChat({
      messages: [
        { id: 901, from: 'customer', text: 'Hello', createdAt: 1795290000 },
        { id: 900, from: 'customer', text: 'Hello?', createdAt: 1795290060 },
      ],
    })
    await expectRefused(fixture, 'organizations[0].chats[0].messages[1].id', /ids grow/)
  })

  it('refuses a read position naming no message of the chat', async () => {
    const fixture = withChat({
      agentReadUpTo: 5,
      messages: [{ id: 900, from: 'customer', text: 'Hello', createdAt: 1795290000 }],
    })
    await expectRefused(fixture, 'organizations[0].chats[0].agentReadUpTo', /no message with id 5/)
  })

  it('refuses a stored API key that is not a SHA-256, and one the database has', async () => {
    const bad: any = minimal()
    bad.organizations[0].storedApiKeys = [{ sha256: 'abc', hint: 'oc_x', createdAt: 1 }]
    await expectRefused(bad, 'organizations[0].storedApiKeys[0].sha256', /not valid/)
    const taken: any = minimal()
    const digest = createHash('sha256').update('globex-key-1').digest('hex')
    taken.organizations[0].storedApiKeys = [{ sha256: digest, hint: 'glob', createdAt: 1 }]
    await expectRefused(taken, 'organizations[0].storedApiKeys[0].sha256', /already exists/)
  })

  it('refuses an unknown status', async () => {
    const fixture = withChat({ status: 'closedish' })
    await expectRefused(fixture, 'organizations[0].chats[0].status', /"closedish"/)
  })

  it('refuses an API key shorter than 8 characters, saying how long it must be', async () => {
    const fixture = minimal()
    fixture.organizations[0].apiKeys = ['short']
    const error = await refusal(fixture)
    const line = error.message.split('\n').find((l) => l.includes('organizations[0].apiKeys[0]:'))
    expect(line, error.message).toBeDefined()
    // "short" is not blank: the message must say what is wrong with it.
    expect(line).not.toContain('should not be blank')
    expect(line).toMatch(/\b8\b/)
  })

  it('refuses text that is not JSON', async () => {
    const error = await refusal('{"organizations": [')
    expect(error.problems).toHaveLength(1)
    expect(error.message).toMatch(/^world\.json cannot be loaded/)
    expect(error.message).toContain('(file):')
  })

  it('loads nothing of the first organization when the second has an error', async () => {
    const fixture = minimal()
    fixture.organizations.push({
      domain: 'initech',
      agents: [{ name: 'Bill', email: 'bill@initech.test' }],
      departments: [{ name: 'Sales', agents: ['nobody@initech.test'] }],
    })
    await expectRefused(fixture, 'organizations[1].departments[0].agents[0]', /nobody@initech/)
    expect(await db.get('SELECT id FROM organizations WHERE domain = ?', ['acme'])).toBeUndefined()
  })

  it('lists every problem, each at its place', async () => {
    const fixture = withChat({ customer: 'nobody-9', status: 'closedish' })
    fixture.organizations[0].departments[0].agents = ['x@acme.test']
    const error = await refusal(fixture)
    expect(error.problems.map((problem) => problem.path).sort()).toEqual([
      'organizations[0].chats[0].customer',
      'organizations[0].chats[0].status',
      'organizations[0].departments[0].agents[0]',
    ])
  })

  it('loads a good fixture after refusing a bad one', async () => {
    await refusal(withChat({ status: 'closedish' }))
    const summary = await loadFixture(db, parseFixture(JSON.stringify(withChat({})), 'ok'), NOW)
    expect(summary).toMatchObject({ organizations: 1, apiKeys: 1, chats: 1, customers: 1 })
    const fixture: Fixture = { organizations: [] }
    expect(await loadFixture(db, fixture, NOW)).toMatchObject({ organizations: 0 })
  })
})
