import { afterEach, describe, expect, it } from 'vitest'
import { demoFixture } from '../src/server/fixtures/demo.js'
import { T0 } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'
import { HAS_SHARED, readSeedArticles } from './helpers/shared.js'

/**
 * HelpCrunch's "Mark chats as read" article, as kept in ../shared/seeds/: the request it sends and
 * the answers it shows, read from the article itself rather than copied into the test.
 */
const article =
  readSeedArticles()
    // The copy whose examples keep their braces (the other lost them when it was saved).
    .find((text) => /\{\s*"id": 5208,\s*"read": true\s*\}/.test(text)) ?? ''

/** The top-level `{...}` blocks of the article, in order. */
function jsonBlocks(text: string): string[] {
  const blocks: string[] = []
  let depth = 0
  let start = -1
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') {
      if (depth === 0) start = i
      depth += 1
    } else if (text[i] === '}') {
      depth -= 1
      if (depth === 0) blocks.push(text.slice(start, i + 1))
    }
  }
  return blocks
}

/** The article's examples are almost JSON: mend its two known typos before parsing. */
function parseExample(block: string): any {
  return JSON.parse(
    block
      .replace(/true\.\s*\n/g, 'true,\n')
      .replace(/"Chat for ID "%s" was not found"/g, '"Chat for ID \\"%s\\" was not found"'),
  )
}

const [requestBlock, successBlock, unauthorizedBlock, notFoundBlock, tooManyBlock] =
  jsonBlocks(article)
const KEY = 'seed-article-key'

/** The JSON type of a value, as the article's example shows it. */
function kind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  return typeof value
}

describe.runIf(HAS_SHARED)('the "Mark chats as read" article, request for request', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  const start = async (rateLimit = 0) => {
    server = await startServer({
      fixture: demoFixture(T0 / 1000, KEY),
      now: () => T0,
      rateLimit,
    })
  }
  const put = (path: string, raw: string, key = KEY) =>
    server!.request('PUT', path, { raw, key, headers: { 'content-type': 'application/json' } })

  it('finds the five examples in the article', () => {
    expect(parseExample(requestBlock!)).toEqual({ id: 5208, read: true })
    expect(parseExample(successBlock!)).toHaveProperty('readByCustomer', true)
    expect(jsonBlocks(article)).toHaveLength(5)
  })

  it.each(['readByAgent', 'readByCustomer'])(
    'answers the article request to %s with 200 and the chat, shaped as the article shows',
    async (endpoint) => {
      await start()
      const res = await put(`/v1/chats/${endpoint}`, requestBlock!)
      expect(res.status).toBe(200)
      const example = parseExample(successBlock!)
      expect(Object.keys(res.body)).toEqual(Object.keys(example))
      for (const [field, value] of Object.entries(example)) {
        const ours = res.body[field]
        if (ours === null) continue
        expect(kind(ours), field).toBe(kind(value))
        if (kind(value) === 'object')
          expect(Object.keys(ours), field).toEqual(Object.keys(value as object))
        if (typeof value === 'string' && /^\d+$/.test(value)) expect(ours, field).toMatch(/^\d+$/)
      }
      for (const agent of res.body.agents) {
        expect(Object.keys(agent)).toEqual(Object.keys(example.agents[0] ?? example.agents))
      }
      expect(res.body.id).toBe(5208)
      expect(res.body[endpoint]).toBe(true)
    },
  )

  it('turns the waiting chat from unread to read for the agent side', async () => {
    await start()
    const before = await server!.request('GET', '/v1/chats/5208', { key: KEY })
    expect(before.body.readByAgent).toBe(false)
    const res = await put('/v1/chats/readByAgent', requestBlock!)
    expect(res.body.readByAgent).toBe(true)
    const messages = await server!.request('GET', '/v1/chats/5208/messages', { key: KEY })
    expect(messages.body.data.every((m: any) => m.read)).toBe(true)
  })

  it('answers a bad key with the article 401 body', async () => {
    await start()
    const res = await put('/v1/chats/readByAgent', requestBlock!, 'wrong-key')
    expect(res.status).toBe(401)
    expect(res.body).toEqual(parseExample(unauthorizedBlock!))
  })

  it('answers an unknown chat with the article 404 body, its %s filled with the id', async () => {
    await start()
    const res = await put('/v1/chats/readByAgent', '{"id": 4242, "read": true}')
    expect(res.status).toBe(404)
    const expected = JSON.parse(JSON.stringify(parseExample(notFoundBlock!)).replace('%s', '4242'))
    expect(res.body).toEqual(expected)
  })

  it('answers over the limit with the article 429 body', async () => {
    await start(1)
    expect((await put('/v1/chats/readByAgent', requestBlock!)).status).toBe(200)
    const res = await put('/v1/chats/readByAgent', requestBlock!)
    expect(res.status).toBe(429)
    expect(res.body).toEqual(parseExample(tooManyBlock!))
  })
})
