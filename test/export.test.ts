import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SLOW, useCliSandbox } from './helpers/cli.js'
import { freshDatabase } from './helpers/engines.js'
import { ACME_KEY, ACME_SECOND_KEY, twoTenantFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

const cli = useCliSandbox()

/** Everything a client can read of acme, as the exact bytes the server answers. */
async function everything(server: TestServer, key = ACME_KEY): Promise<string[]> {
  const get = async (path: string) => {
    const res = await server.request('GET', path, { key })
    expect(res.status, path).toBe(200)
    return res
  }
  const texts: string[] = []
  for (const path of ['/v1/organization', '/v1/agents', '/v1/departments', '/v1/applications']) {
    texts.push((await get(path)).text)
  }
  const chats = (await get('/v1/chats?limit=100')).body.data as Array<{ id: number }>
  texts.push(JSON.stringify(chats))
  for (const chat of chats) texts.push((await get(`/v1/chats/${chat.id}/messages?limit=100`)).text)
  const customers = await get('/v1/customers?limit=100')
  texts.push(customers.text)
  for (const customer of customers.body.data as Array<{ id: number }>) {
    texts.push((await get(`/v1/customers/${customer.id}`)).text)
  }
  return texts
}

/** Changes through the API that a fixture alone would not hold: read state, closing, events... */
async function liveChanges(server: TestServer): Promise<void> {
  const send = async (method: string, path: string, body: unknown) => {
    const res = await server.request(method, path, { body })
    expect(res.status, `${method} ${path} ${res.text}`).toBeLessThan(300)
    return res.body
  }
  const carol = await send('POST', '/v1/customers', {
    name: 'Carol',
    email: 'carol@example.com',
    userId: 'carol-1',
    company: 'Initech',
    firstSeen: 1_790_000_000,
    city: 'Kyiv',
    countryCode: 'UA',
    tags: [{ name: 'VIP', color: '#ff0000' }, { name: 'Trial' }],
    customData: { plan: 'pro', seats: 3, trial: false },
  })
  await send('POST', '/v1/events', { customer: carol.id, name: 'viewed pricing', data: { a: 1 } })
  const chat = await send('POST', '/v1/chats', { customer: carol.id, application: 1 })
  await send('POST', '/v1/messages', { chat: chat.id, text: 'Hello?', type: 'message' })
  await send('POST', '/v1/messages', { chat: chat.id, agent: 2, text: 'Hi!', type: 'message' })
  await send('POST', '/v1/messages', { chat: chat.id, text: 'Thanks', type: 'message' })
  await send('PUT', '/v1/chats/readByAgent', { id: chat.id, read: true })
  await send('POST', '/v1/messages', { chat: chat.id, text: 'One more thing', type: 'message' })
  await send('POST', '/v1/messages', { chat: 2, agent: 1, text: 'Checking', type: 'private' })
  await send('PUT', '/v1/chats/readByCustomer', { id: 1, read: false })
  await send('PUT', '/v1/chats/status', { id: 1, status: 'closed' })
  await send('PUT', '/v1/chats/rate', { id: 1, rating: 'great' })
  await send('PUT', '/v1/chats/snooze', { id: 2, snoozedUntil: 4_000_000_000 })
  await send('PUT', '/v1/chats/assignee', { id: 3, assignee: 2 })
}

describe('export, then load', SLOW, () => {
  it('round-trips an organization: the same file again, the same answers, keys that work', async () => {
    const world = twoTenantFixture()
    const webhooks = [{ event: 'chat.read_by_agent' as const, url: 'http://127.0.0.1:9/hooks' }]
    const signingKey = 'fedcba9876543210fedcba9876543210fedcba98'
    Object.assign(world.organizations[0]!, { webhooks, webhookSigningKey: signingKey })
    const source = await startServer({
      fixture: world,
      database: cli.path('source.db'),
      webhooks: { pollMs: 60_000 },
    })
    try {
      await liveChanges(source)
      const first = await cli.run([
        ...['export', '--org', 'acme', '--out', cli.path('acme.json')],
        ...['--database', source.databaseUrl],
      ])
      expect(first.code, first.stderr).toBe(0)
      expect(first.stdout).toContain(
        'Exported the organization "acme": 3 customers, 4 chats, 8 messages',
      )
      const exported = readFileSync(cli.path('acme.json'), 'utf8')
      // Only acme: nothing of the other tenant travels with it.
      expect(exported).not.toContain('globex')
      // Its webhooks and their signing key travel too (what they had queued does not).
      expect(JSON.parse(exported).organizations[0]).toMatchObject({
        webhooks,
        webhookSigningKey: signingKey,
      })

      const target = await startServer({
        fixture: JSON.parse(exported),
        key: ACME_KEY,
        database: cli.path('target.db'),
        webhooks: { pollMs: 60_000 },
      })
      try {
        const again = await cli.run([
          ...['export', '--org', 'acme', '--out', cli.path('again.json')],
          ...['--database', target.databaseUrl],
        ])
        expect(again.code, again.stderr).toBe(0)
        expect(readFileSync(cli.path('again.json'), 'utf8')).toBe(exported)
        expect(await everything(target)).toEqual(await everything(source))
        // Both keys still work: they travel as stored, and were never written out in clear.
        expect(exported).not.toContain(ACME_KEY)
        expect((await target.request('GET', '/v1/agents', { key: ACME_SECOND_KEY })).status).toBe(
          200,
        )
        // A new message after the move gets an id after every moved one.
        const next = await target.request('POST', '/v1/messages', {
          body: { chat: 2, text: 'after the move', type: 'message' },
        })
        const ids = [...exported.matchAll(/"id": (\d+),\s+"from"/g)].map((m) => Number(m[1]))
        expect(next.body.id).toBeGreaterThan(Math.max(...ids))
      } finally {
        await target.close()
      }
    } finally {
      await source.close()
    }
  })

  it('moves a seeded SQLite database to this engine with no difference, showing progress', async () => {
    const file = cli.path('embedded.db')
    expect((await cli.run(['orgs', 'create', 'shop', '--database', file])).code).toBe(0)
    const seeded = await cli.run([
      ...['seed', '--org', 'shop', '--chats', '1200', '--messages-per-chat', '3'],
      ...['--database', file],
    ])
    expect(seeded.code, seeded.stderr).toBe(0)
    const out = await cli.run([
      'export',
      '--org',
      'shop',
      '--database',
      file,
      '--out',
      cli.path('shop.json'),
    ])
    expect(out.code, out.stderr).toBe(0)
    expect(out.stderr).toContain('1200 of 1200 chats exported')

    const target = await freshDatabase(cli.path('target.db'))
    try {
      const load = await cli.run([
        'fixture',
        'load',
        cli.path('shop.json'),
        '--database',
        target.url,
      ])
      expect(load.code, load.stderr).toBe(0)
      expect(load.stderr).toContain('of 1200 chats loaded')
      const back = await cli.run(['export', '--org', 'shop', '--database', target.url])
      expect(back.code, back.stderr).toBe(0)
      expect(back.stdout).toBe(readFileSync(cli.path('shop.json'), 'utf8'))
    } finally {
      await target.drop()
    }
  })

  it('names a missing organization and where it looked, exiting 1', async () => {
    const file = cli.path('empty.db')
    expect((await cli.run(['orgs', 'create', 'acme', '--database', file])).code).toBe(0)
    const res = await cli.run(['export', '--org', 'nope', '--database', file])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('No organization "nope" in SQLite file')
    expect(res.stderr).toContain('opencrunch orgs list')
    expect(res.stdout).toBe('')
  })
})
