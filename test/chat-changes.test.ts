import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Chat } from '../src/contract/index.js'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import {
  ACME_KEY,
  GLOBEX_KEY,
  T0,
  T0_SECONDS,
  acmeFixture,
  acmeOrganization,
  twoTenantFixture,
} from './helpers/fixtures.js'
import { send, startServer, type TestResponse, type TestServer } from './helpers/server.js'
import { HAS_SHARED, readTraces } from './helpers/shared.js'
import {
  BLANK,
  INVALID,
  NOT_A_CHOICE,
  NUMERIC,
  UNAUTHORIZED_KEYS,
  UNAUTHORIZED_TEXT,
  notFound,
} from './helpers/wire.js'

// PUT /v1/chats/snooze, /status, /assignee, /department and /rate: what the five share (errors,
// the answer, read state), then snooze and status. Assignee, department and rating are in
// chat-changes-assign-rate.test.ts.

const CHAT_KEYS = Object.keys(Chat.properties)
const HOUR = 3600
/** When the fixture's chat 2 last changed: its one customer message. */
const CHAT_2_UPDATED = T0_SECONDS - HOUR + 100

let server: TestServer
let clock = T0
beforeEach(async () => {
  clock = T0
  server = await startServer({ fixture: twoTenantFixture(), now: () => clock })
})
afterEach(() => server.close())

const put = (endpoint: string, body: unknown, key?: string | null) =>
  server.request('PUT', `/v1/chats/${endpoint}`, key === undefined ? { body } : { body, key })
const get = (id: number, key = ACME_KEY) => server.request('GET', `/v1/chats/${id}`, { key })
const updatedAt = async (id: number) =>
  (await server.db.get<{ updated_at: number }>('SELECT updated_at FROM chats WHERE id = ?', [id]))!
    .updated_at

/** Asserts a 200 whose body is the chat exactly as a following GET answers it; returns it. */
async function answeredAsStored(res: TestResponse, id: number) {
  expect(res.status, res.text).toBe(200)
  expect(Object.keys(res.body)).toEqual(CHAT_KEYS)
  expect(res.text).toBe((await get(id)).text)
  expect(res.body.id).toBe(id)
  return res.body
}

const INVALID_RATE = { code: 'invalid_request', message: 'Chat must me closed to rate' }

/** Each endpoint, the field it changes, and a body that changes chat 1 when valid. */
const ENDPOINTS = [
  ['snooze', 'snoozedUntil', { snoozedUntil: T0_SECONDS + HOUR }],
  ['status', 'status', { status: 'pending' }],
  ['assignee', 'assignee', { assignee: 2 }],
  ['department', 'department', { department: 10 }],
  ['rate', 'rating', { rating: 'great' }],
] as const

describe.each(ENDPOINTS)('PUT /v1/chats/%s: what every change shares', (endpoint, field, valid) => {
  it.each(UNAUTHORIZED_KEYS)('answers %s with 401 and changes nothing', async (_name, key) => {
    const before = (await get(1)).text
    const res = await put(endpoint, { id: 1, ...valid }, key)
    expect(res.status).toBe(401)
    expect(res.text).toBe(UNAUTHORIZED_TEXT)
    expect((await get(1)).text).toBe(before)
  })

  it.each([
    ['no body', undefined, { id: BLANK, [field]: BLANK }],
    ['no id', valid, { id: BLANK }],
    ['id "abc"', { id: 'abc', ...valid }, { id: NUMERIC }],
    ['id 0', { id: 0, ...valid }, { id: NUMERIC }],
    ['id 1.5', { id: 1.5, ...valid }, { id: NUMERIC }],
    ['id null', { id: null, ...valid }, { id: BLANK }],
    [`no ${field}`, { id: 1 }, { [field]: BLANK }],
    [`id "abc" and no ${field}`, { id: 'abc' }, { id: NUMERIC, [field]: BLANK }],
  ])('answers %s with a 400 per bad field and changes nothing', async (_name, body, expected) => {
    const before = (await get(1)).text
    const res = await put(endpoint, body)
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toEqual(INVALID)
    const problems = Object.fromEntries(
      res.body.errors.slice(1).map((e: any) => [e.code, e.message]),
    )
    expect(problems).toEqual(expected)
    expect(res.body.errors).toHaveLength(Object.keys(expected).length + 1)
    expect((await get(1)).text).toBe(before)
  })

  it.each([
    ['an unknown chat', 999],
    ['an unknown chat, as a string', '999'],
    ["another organization's chat", 50],
  ])('answers %s with the generic 404 Chat not found', async (_name, id) => {
    const theirs = (await get(50, GLOBEX_KEY)).text
    const res = await put(endpoint, { id, ...valid })
    expect(res.status).toBe(404)
    expect(res.body.errors).toEqual(notFound('Chat'))
    expect((await get(50, GLOBEX_KEY)).text).toBe(theirs)
  })

  it('finds the chat by its id sent as a numeric string', async () => {
    const res = await put(endpoint, { id: '0001', ...valid })
    if (endpoint === 'rate') {
      // Chat 1 is open: refused for that, so it was found.
      expect(res.status).toBe(400)
      expect(res.body.errors).toEqual([INVALID_RATE])
    } else {
      await answeredAsStored(res, 1)
    }
  })
})

describe('none of the changes touches read state', () => {
  const changes: ReadonlyArray<[string, Record<string, unknown>]> = [
    ['snooze', { snoozedUntil: T0_SECONDS + HOUR }],
    ['snooze', { snoozedUntil: null }],
    ['status', { status: 'closed' }],
    ['status', { status: 'opened' }],
    ['assignee', { assignee: 2 }],
    ['assignee', { assignee: null }],
    ['department', { department: 10 }],
    ['department', { department: null }],
  ]
  // Chat 1 is read by the agent side and unread by the customer; chat 2 the other way round.
  it.each([1, 2])('leaves readByAgent and readByCustomer of chat %i as they were', async (id) => {
    const { readByAgent, readByCustomer } = (await get(id)).body
    expect(readByAgent).toBe(id === 1)
    expect(readByCustomer).toBe(id === 2)
    for (const [endpoint, body] of changes) {
      const res = await put(endpoint, { id, ...body })
      expect(res.status, `${endpoint} ${JSON.stringify(body)}`).toBe(200)
      expect(res.body).toMatchObject({ readByAgent, readByCustomer })
    }
    expect((await get(id)).body).toMatchObject({ readByAgent, readByCustomer })
  })
})

describe.runIf(HAS_SHARED)('the requests real clients sent', () => {
  it('serves the traced assignee, department and snooze; refuses the bad status', async () => {
    const paths = ['assignee', 'department', 'snooze', 'status'].map((p) => `/v1/chats/${p}`)
    const traces = readTraces().filter(
      (trace) => trace.method === 'PUT' && paths.includes(trace.url),
    )
    expect(traces.map((trace) => trace.url)).toEqual(paths)
    const acme = await startServer({ fixture: acmeFixture(), now: () => T0 })
    try {
      const answers = []
      for (const trace of traces) {
        const authorization = String(trace.headers.authorization).replace('{KEY}', ACME_KEY)
        answers.push(
          await send(acme.url, 'PUT', trace.url, {
            raw: JSON.stringify(trace.body),
            headers: { authorization },
          }),
        )
      }
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 400])
      expect(answers[2]!.body).toMatchObject({ id: 2, snoozedUntil: '1795292847' })
      expect(answers[2]!.body.assignee.id).toBe(1)
      expect(answers[2]!.body.department).toEqual({ id: 10, name: 'Support' })
      expect(answers[3]!.body.errors).toEqual([INVALID, { code: 'status', message: BLANK }])
    } finally {
      await acme.close()
    }
  })
})

describe('PUT /v1/chats/snooze', () => {
  it.each([
    ['an integer', T0_SECONDS + HOUR],
    ['a numeric string', String(T0_SECONDS + HOUR)],
    [
      'a string with a fraction of zeros, as HelpCrunch answers a snooze',
      `${T0_SECONDS + HOUR}.000`,
    ],
  ])(
    'snoozes the chat until a time given as %s, answered as a string of seconds',
    async (_n, until) => {
      const chat = await answeredAsStored(await put('snooze', { id: 2, snoozedUntil: until }), 2)
      expect(chat.snoozedUntil).toBe(String(T0_SECONDS + HOUR))
      expect(await updatedAt(2)).toBe(T0_SECONDS)
    },
  )

  it('unsnoozes the chat with null, bumping updated_at, and leaves read state alone', async () => {
    await put('snooze', { id: 1, snoozedUntil: T0_SECONDS + HOUR })
    clock = T0 + 60_000
    const chat = await answeredAsStored(await put('snooze', { id: 1, snoozedUntil: null }), 1)
    expect(chat).toMatchObject({ snoozedUntil: null, readByAgent: true, readByCustomer: false })
    expect(await updatedAt(1)).toBe(T0_SECONDS + 60)
  })

  it('changes nothing, not even updated_at, when unsnoozing a chat not snoozed', async () => {
    const before = (await get(2)).text
    const res = await put('snooze', { id: 2, snoozedUntil: null })
    expect(res.text).toBe(before)
    expect(await updatedAt(2)).toBe(CHAT_2_UPDATED)
  })

  it('keeps a past time; the next tick makes the chat unread for the agent side', async () => {
    await server.close()
    server = await startServer({ fixture: twoTenantFixture(), now: () => clock, snoozeCheckMs: 20 })
    const res = await put('snooze', { id: 1, snoozedUntil: T0_SECONDS - 60 })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ snoozedUntil: String(T0_SECONDS - 60), readByAgent: true })
    await sleep(200)
    expect((await get(1)).body).toMatchObject({
      snoozedUntil: null,
      readByAgent: false,
      readByCustomer: false,
    })
  })

  it.each([
    ['a word', 'tomorrow'],
    ['a boolean', true],
    ['a negative time', -1],
    ['a fractional time', 1.5],
    ['a string with a fraction that is not zeros', `${T0_SECONDS}.5`],
    ['a string ending in a point', `${T0_SECONDS}.`],
    ['a date string', '2026-11-01'],
    ['an object', { at: 1 }],
  ])('answers snoozedUntil as %s with a 400 on snoozedUntil', async (_name, snoozedUntil) => {
    const res = await put('snooze', { id: 2, snoozedUntil })
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([INVALID, { code: 'snoozedUntil', message: NUMERIC }])
    expect((await get(2)).body.snoozedUntil).toBeNull()
  })
})

describe('PUT /v1/chats/status', () => {
  it.each([
    ['on hold', 'onhold'],
    ['on-hold', 'onhold'],
    ['onhold', 'onhold'],
    ['open', 'opened'],
    ['opened', 'opened'],
    ['pending', 'pending'],
    ['no communication', 'no communication'],
    ['closed', 'closed'],
    ['3', 'pending'],
    [5, 'closed'],
    [4, 'onhold'],
    ['ON HOLD', 'onhold'],
    [' Pending ', 'pending'],
  ])('takes %j and answers the status as %s', async (status, emitted) => {
    const chat = await answeredAsStored(await put('status', { id: 2, status }), 2)
    expect(chat.status).toBe(emitted)
    expect(await updatedAt(2)).toBe(T0_SECONDS)
  })

  it('sets new on a chat that was opened', async () => {
    expect((await get(1)).body.status).toBe('opened')
    expect((await put('status', { id: 1, status: 'new' })).body.status).toBe('new')
  })

  it('closing sets closedAt to now and closedBy to agent', async () => {
    const chat = await answeredAsStored(await put('status', { id: 2, status: 'closed' }), 2)
    expect(chat).toMatchObject({
      status: 'closed',
      closedAt: String(T0_SECONDS),
      closedBy: 'agent',
    })
  })

  it('reopening a closed chat clears closedAt and closedBy', async () => {
    await put('status', { id: 2, status: 'closed' })
    clock = T0 + 60_000
    const chat = await answeredAsStored(await put('status', { id: 2, status: 'opened' }), 2)
    expect(chat).toMatchObject({ status: 'opened', closedAt: null, closedBy: null })
    expect(await updatedAt(2)).toBe(T0_SECONDS + 60)
  })

  it('closing a closed chat again keeps its closedAt and changes nothing', async () => {
    const closed = await put('status', { id: 2, status: 'closed' })
    clock = T0 + 60_000
    const again = await put('status', { id: 2, status: 5 })
    expect(again.status).toBe(200)
    expect(again.text).toBe(closed.text)
    expect(again.body.closedAt).toBe(String(T0_SECONDS))
    expect(await updatedAt(2)).toBe(T0_SECONDS)
  })

  it('closing a chat the customer closed keeps closedBy customer and its closedAt', async () => {
    const acme = acmeOrganization()
    const closedAt = T0_SECONDS - 600
    const chats = acme.chats!.map((chat) =>
      chat.id === 1 ? { ...chat, status: 'closed', closedAt, closedBy: 'customer' as const } : chat,
    )
    const fixture: Fixture = { organizations: [{ ...acme, chats }] }
    await server.close()
    server = await startServer({ fixture, now: () => clock })
    const chat = await answeredAsStored(await put('status', { id: 1, status: 'closed' }), 1)
    expect(chat).toMatchObject({ closedAt: String(closedAt), closedBy: 'customer' })
  })

  it('setting the status a chat already has changes nothing, not even updated_at', async () => {
    const before = (await get(2)).text
    expect((await put('status', { id: 2, status: 'new' })).text).toBe(before)
    expect(await updatedAt(2)).toBe(CHAT_2_UPDATED)
  })

  it.each([
    ['empty', 'empty'],
    ['empty in capitals', 'EMPTY'],
    ['code 7', 7],
    ['code "7"', '7'],
    ['code 0', 0],
    ['code 8', 8],
    ['code 1.5', 1.5],
    ['an unknown spelling', 'resolved'],
    ['an empty string', ''],
    ['a boolean', true],
    ['a list', ['closed']],
  ])('answers %s with a 400 on status and changes nothing', async (_name, status) => {
    const res = await put('status', { id: 2, status })
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([INVALID, { code: 'status', message: NOT_A_CHOICE }])
    expect((await get(2)).body.status).toBe('new')
  })

  it('answers status null as blank, and a bad id with a bad status with both', async () => {
    const blank = await put('status', { id: 2, status: null })
    expect(blank.body.errors).toEqual([INVALID, { code: 'status', message: BLANK }])
    const both = await put('status', { id: 'abc', status: 'resolved' })
    expect(both.body.errors).toEqual([
      INVALID,
      { code: 'id', message: NUMERIC },
      { code: 'status', message: NOT_A_CHOICE },
    ])
  })
})
