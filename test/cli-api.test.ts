import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEXT_FIELDS } from '../src/cli/filter.js'
import { CHAT_FIELDS } from '../src/server/features/chats/chat-search.js'
import { CUSTOMER_FIELDS } from '../src/server/features/customer-search/customer-search.js'
import { SLOW, useCliSandbox } from './helpers/cli.js'
import { ACME_KEY, acmeFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

// The command line for people, against a real opencrunch server, as a support engineer runs it.

const cli = useCliSandbox()
let server: TestServer
let env: Record<string, string>

beforeAll(async () => {
  server = await startServer({ fixture: acmeFixture() })
  env = { HELPCRUNCH_API_KEY: ACME_KEY, HELPCRUNCH_BASE_URL: `${server.url}/v1` }
})
afterAll(async () => {
  await server.close()
})

const opencrunch = (...args: string[]) => cli.run(args, env)

describe('chats', SLOW, () => {
  it('lists chats as a table for people, and as the API answer with --json', async () => {
    const table = await opencrunch('chats', 'list', '--sort', 'createdAt', '--order', 'asc')
    expect(table.code, table.stderr).toBe(0)
    const lines = table.stdout.trim().split('\n')
    expect(lines[0]).toMatch(
      /^ID\s+STATUS\s+CUSTOMER\s+ASSIGNEE\s+READ BY AGENT\s+LAST MESSAGE\s+TEXT$/,
    )
    expect(lines[1]).toMatch(
      /^1\s+\S+\s+Alice\s+-\s+(yes|no)\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+Hello Alice$/,
    )
    expect(lines.at(-1)).toBe('3 of 3 chats')
    const json = await opencrunch('chats', 'list', '--json', '--limit', '2')
    expect(JSON.parse(json.stdout)).toMatchObject({ meta: { total: 3 } })
    expect(JSON.parse(json.stdout).data).toHaveLength(2)
  })

  it('shows one chat, marks it read and unread for either side, and the server agrees', async () => {
    const shown = await opencrunch('chats', 'get', '2')
    expect(shown.stdout).toMatch(/^ID\s+2$/m)
    expect(shown.stdout).toMatch(/^ASSIGNEE\s+Sarah$/m)
    // Flags read as in the list's table, not as JSON.
    expect(shown.stdout).toMatch(/^READ BY AGENT\s+(yes|no)$/m)
    expect(shown.stdout).toMatch(/^READ BY CUSTOMER\s+(yes|no)$/m)
    const unread = await opencrunch('chats', 'unread', '2')
    expect(unread.stdout.trim()).toBe('Chat 2: read by agent no, read by customer yes.')
    expect((await server.request('GET', '/v1/chats/2')).body.readByAgent).toBe(false)
    const read = await opencrunch('chats', 'read', '2')
    expect(read.stdout.trim()).toBe('Chat 2: read by agent yes, read by customer yes.')
    const customer = await opencrunch('chats', 'unread', '2', '--customer')
    expect(customer.stdout.trim()).toBe('Chat 2: read by agent yes, read by customer no.')
  })

  it("reads up to a message, and shows a chat's read state and the unread totals", async () => {
    const [first] = (await server.request('GET', '/v1/chats/2/messages')).body.data
    await server.request('POST', '/v1/messages', {
      body: { chat: 2, text: 'Anyone there?', type: 'message' },
    })
    const read = await opencrunch('chats', 'read', '2', '--up-to', String(first.id))
    expect(read.stdout.trim()).toBe('Chat 2: read by agent no, read by customer yes.')
    const state = await opencrunch('chats', 'read-state', '2')
    expect(state.code, state.stderr).toBe(0)
    expect(state.stdout).toMatch(/^SIDE\s+READ\s+READ UP TO\s+UNREAD MESSAGES$/m)
    expect(state.stdout).toMatch(new RegExp(`^agent\\s+no\\s+${first.id}\\s+1$`, 'm'))
    const totals = await opencrunch('chats', 'unread-totals')
    expect(totals.stdout).toMatch(/^1 chat unread by the agents\.$/m)
    expect(totals.stdout).toMatch(/^assignee\s+1\s+1$/m)
    const customers = await opencrunch('chats', 'unread-totals', '--customer', '--json')
    expect(JSON.parse(customers.stdout)).toMatchObject({ side: 'customer' })
    const unknown = await opencrunch('chats', 'read', '2', '--up-to', '999999')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/Message not found\. .*opencrunch chats messages CHAT_ID/)
    expect((await opencrunch('chats', 'unread', '2', '--up-to', '1')).code).not.toBe(0)
  })

  it('searches with filters, lists messages, and changes the status', async () => {
    const found = await opencrunch('chats', 'search', '--filter', 'customer=101')
    expect(found.code, found.stderr).toBe(0)
    expect(found.stdout.trim().split('\n').at(-1)).toBe('1 of 1 chats')
    const messages = await opencrunch('chats', 'messages', '1')
    expect(messages.stdout).toMatch(/^\d+\s+Sarah\s+message\s+(yes|no)\s+.*Hello Alice$/m)
    const status = await opencrunch('chats', 'status', '1', 'pending')
    expect(status.stdout.trim()).toBe('Chat 1 is pending.')
  })
})

describe('the changes an inbox makes', SLOW, () => {
  it('creates a chat, assigns it, moves it, snoozes it, and rates it once closed', async () => {
    // A customer of its own, deleted at the end with the chat: the other tests count chats.
    const customer = (await server.request('POST', '/v1/customers', { body: { name: 'Eve' } })).body
      .id as number
    const created = await opencrunch(
      'chats',
      'create',
      '--customer',
      String(customer),
      '--application',
      '1',
    )
    expect(created.code, created.stderr).toBe(0)
    const id = /^Created chat (\d+) \(empty\)\.$/m.exec(created.stdout)![1]!
    // Only a chat an agent has answered can be rated.
    const said = await opencrunch('messages', 'send', '--chat', id, '--agent', '1', '--text', 'Hi')
    expect(said.code, said.stderr).toBe(0)
    const assigned = await opencrunch('chats', 'assign', id, '1')
    expect(assigned.stdout.trim()).toBe(`Chat ${id} is assigned to Sarah.`)
    expect((await opencrunch('chats', 'assign', id, 'none')).stdout.trim()).toBe(
      `Chat ${id} is assigned to nobody.`,
    )
    const moved = await opencrunch('chats', 'department', id, '10')
    expect(moved.stdout.trim()).toBe(`Chat ${id} is in Support.`)
    const before = Math.floor(Date.now() / 1000)
    const snoozed = await opencrunch('chats', 'snooze', id, '2h')
    expect(snoozed.stdout).toMatch(/is snoozed until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/m)
    const until = Number((await server.request('GET', `/v1/chats/${id}`)).body.snoozedUntil)
    expect(until - before).toBeGreaterThanOrEqual(7200)
    expect(until - before).toBeLessThan(7260)
    expect((await opencrunch('chats', 'snooze', id, 'off')).stdout.trim()).toBe(
      `Chat ${id} is not snoozed.`,
    )
    expect((await opencrunch('chats', 'status', id, 'closed')).code).toBe(0)
    const rated = await opencrunch('chats', 'rate', id, 'Great')
    expect(rated.stdout.trim(), rated.stderr).toBe(`Chat ${id} is rated great.`)
    expect((await opencrunch('customers', 'delete', String(customer))).code).toBe(0)
  })

  it('refuses a rating, a snooze or an assignee it cannot read, before asking the server', async () => {
    for (const [args, message] of [
      [['rate', '1', 'superb'], '"superb" is not a rating: use "perfect", "great"'],
      [['snooze', '1', 'tomorrow'], '"tomorrow" is not a time to snooze until'],
      [['assign', '1', 'sarah'], 'the agent'],
    ] as const) {
      const res = await opencrunch('chats', ...args)
      expect(res.code, args.join(' ')).toBe(1)
      expect(res.stderr).toContain(message)
    }
  })

  it('tags and untags a customer', async () => {
    const tagged = await opencrunch('customers', 'tag', '101', 'VIP', 'Beta')
    expect(tagged.code, tagged.stderr).toBe(0)
    expect(tagged.stdout).toMatch(/^Customer 101 has the tags .*VIP/m)
    expect(tagged.stdout).toContain('Beta')
    const untagged = await opencrunch('customers', 'untag', '101', 'VIP', 'Beta')
    expect(untagged.code, untagged.stderr).toBe(0)
    expect(untagged.stdout).toMatch(/^Customer 101 has (no tags|the tags .*)\.$/m)
    expect(untagged.stdout).not.toMatch(/VIP|Beta/)
  })
})

describe('messages, customers and the team', SLOW, () => {
  it('sends a message as an agent and as the customer', async () => {
    const agent = await opencrunch(
      'messages',
      'send',
      '--chat',
      '2',
      '--agent',
      '1',
      '--text',
      'On it',
    )
    expect(agent.stdout).toMatch(/^Sent message \d+ to chat 2\.$/m)
    const customer = await opencrunch('messages', 'send', '--chat', '2', '--text', 'Thanks')
    expect(customer.code).toBe(0)
    const newest = (await server.request('GET', '/v1/chats/2/messages?limit=2')).body.data
    expect(newest.map((m: any) => [m.from, m.text])).toEqual([
      ['customer', 'Thanks'],
      ['agent', 'On it'],
    ])
  })

  it('creates, finds, shows and deletes a customer', async () => {
    const created = await opencrunch(
      'customers',
      'create',
      '--name',
      'Dana',
      '--email',
      'dana@example.com',
    )
    const id = /^Created customer (\d+)\.$/m.exec(created.stdout)![1]!
    const found = await opencrunch('customers', 'search', '--filter', 'email~dana@')
    expect(found.stdout).toMatch(new RegExp(`^${id}\\s+Dana\\s+dana@example.com`, 'm'))
    expect((await opencrunch('customers', 'get', id)).stdout).toMatch(/^NAME\s+Dana$/m)
    expect((await opencrunch('customers', 'list')).stdout).toContain('Dana')
    expect((await opencrunch('customers', 'delete', id)).stdout.trim()).toBe(
      `Deleted customer ${id}.`,
    )
  })

  it('reads filter values as people write them: null, tags, text that looks like a number', async () => {
    const ids = async (...filters: string[]) => {
      const args = ['search', ...filters.flatMap((filter) => ['--filter', filter]), '--json']
      const chats = filters.some((filter) => filter.startsWith('assignee'))
      const res = await opencrunch(chats ? 'chats' : 'customers', ...args)
      expect(res.code, res.stderr).toBe(0)
      return JSON.parse(res.stdout).data.map((item: { id: number }) => item.id)
    }
    // Chats 1 and 3 have no assignee; chat 2 is Sarah's.
    expect(await ids('assignee=null')).toEqual([3, 1])
    expect(await ids('assignee!=null')).toEqual([2])
    expect(await ids('tagsData=Autonomy')).toEqual([100])
    expect(await ids('customers.tagsData=Autonomy,Lead')).toEqual([])
    expect(await ids('name="Bob"')).toEqual([101])
    expect(await ids('company=true')).toEqual([])
    expect(await ids('tagsData="Autonomy"')).toEqual([100])
    const created = await opencrunch('customers', 'create', '--name', 'Num', '--user-id', '424242')
    const id = Number(/^Created customer (\d+)\.$/m.exec(created.stdout)![1])
    expect(await ids('userId=424242')).toEqual([id])
    expect(await ids('customers.userId="424242"')).toEqual([id])
    expect((await opencrunch('customers', 'delete', String(id))).code).toBe(0)
  })

  it("keeps as text the values of exactly the servers' text fields", () => {
    const text = new Set(
      Object.entries({ ...CHAT_FIELDS, ...CUSTOMER_FIELDS })
        .filter(([, spec]) => spec.type === 'string' || spec.type === 'absent')
        .map(([field]) => field.slice(field.lastIndexOf('.') + 1)),
    )
    expect([...TEXT_FIELDS].sort()).toEqual([...text].sort())
  })

  it('lists agents, departments and applications', async () => {
    expect((await opencrunch('agents')).stdout).toMatch(/^1\s+Sarah\s+sarah@acme.test\s+admin$/m)
    // --json keeps the API's list shape, whatever pages it took.
    const json = JSON.parse((await opencrunch('departments', '--json')).stdout)
    expect(json).toMatchObject({ meta: { total: json.data.length } })
    expect((await opencrunch('departments')).stdout).toMatch(/^10\s+Support$/m)
    expect((await opencrunch('applications')).stdout).toMatch(/^1\s+Website\s+widget$/m)
  })
})

describe('failures say what to do next, and exit 1', SLOW, () => {
  it('asks for a key when none is set', async () => {
    const res = await cli.run(['chats', 'list'], { HELPCRUNCH_BASE_URL: env.HELPCRUNCH_BASE_URL! })
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('No API key: set HELPCRUNCH_API_KEY or pass --api-key.')
  })

  it('names an unknown chat and how to find one', async () => {
    const res = await opencrunch('chats', 'read', '5208')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('HelpCrunch answered 404: Chat for ID "5208" was not found.')
    expect(res.stderr).toContain('"opencrunch chats list"')
  })

  it('names an unknown agent and the command that lists agents', async () => {
    const res = await opencrunch('messages', 'send', '--chat', '1', '--agent', '99', '--text', 'x')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('Agent not found. Check the id: "opencrunch agents" shows them.')
  })

  it('says a base URL without /v1 is the mistake, not an id', async () => {
    const res = await opencrunch('agents', '--base-url', server.url)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('Route not found. Check the base URL')
    expect(res.stderr).toContain('it ends in /v1.')
  })

  it('refuses an id that is not a number, or 0, before asking the server', async () => {
    const res = await opencrunch('chats', 'get', 'abc')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('id must be a whole number of at least 1; got "abc".')
    const zero = await opencrunch('customers', 'get', '0')
    expect(zero.code).toBe(1)
    expect(zero.stderr).toContain('id must be a whole number of at least 1; got "0".')
  })

  it('says a wrong key is wrong, and where keys come from', async () => {
    const res = await opencrunch('agents', '--api-key', 'nope-nope')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('HelpCrunch answered 401')
    expect(res.stderr).toContain('Check HELPCRUNCH_API_KEY (or --api-key)')
  })

  it('says when the server cannot be reached', async () => {
    const res = await opencrunch('agents', '--base-url', 'http://127.0.0.1:1/v1')
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:1: .*Check the base URL/)
  })

  it('names the field a 400 is about', async () => {
    const res = await opencrunch('chats', 'status', '1', 'sleeping')
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/HelpCrunch answered 400: status: .+\. Fix the value named above/)
    expect(res.stderr).not.toContain('..')
  })

  it('explains a filter it cannot read', async () => {
    const res = await opencrunch('chats', 'search', '--filter', 'status')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('write FIELD OPERATOR VALUE, such as status=opened')
  })

  it('explains a quoted filter value it cannot read', async () => {
    const res = await opencrunch('customers', 'search', '--filter', 'name="a"b"')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('Cannot read the quoted value in "name="a"b"": write it as JSON')
  })
})

describe('a server that asks to slow down', SLOW, () => {
  it('says it is waiting, then answers', async () => {
    // Two requests in 10 s per key: the command, started within them, waits for the next window.
    const limited = await startServer({
      fixture: acmeFixture(),
      rateLimit: 2,
      rateLimitWindowMs: 10_000,
    })
    try {
      const at = { HELPCRUNCH_API_KEY: ACME_KEY, HELPCRUNCH_BASE_URL: `${limited.url}/v1` }
      await limited.request('GET', '/v1/agents')
      await limited.request('GET', '/v1/agents')
      const res = await cli.run(['agents'], at)
      expect(res.code, res.stderr).toBe(0)
      expect(res.stderr).toMatch(
        /^The API asks to slow down: waiting (10|[1-9]) s, then trying again\.\n$/,
      )
      expect(res.stdout).toMatch(/^1\s+Sarah/m)
    } finally {
      await limited.close()
    }
  })
})

describe('--help', SLOW, () => {
  const COMMANDS = [
    ['chats', 'list'],
    ['chats', 'get'],
    ['chats', 'search'],
    ['chats', 'read'],
    ['chats', 'unread'],
    ['chats', 'messages'],
    ['chats', 'status'],
    ['messages', 'send'],
    ['customers', 'list'],
    ['customers', 'get'],
    ['customers', 'search'],
    ['customers', 'create'],
    ['customers', 'delete'],
    ['agents'],
    ['departments'],
    ['applications'],
  ]

  it('is on every API command, with the key and base URL options', async () => {
    for (const command of COMMANDS) {
      const res = await cli.run([...command, '--help'])
      expect(res.code, command.join(' ')).toBe(0)
      expect(res.stdout).toContain(`Usage: opencrunch ${command.join(' ')}`)
      expect(res.stdout).toContain('--api-key <key>')
      expect(res.stdout).toContain('HELPCRUNCH_BASE_URL')
      expect(res.stdout).toContain('--json')
    }
  })
})
