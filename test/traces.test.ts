import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import {
  AgentList,
  ApplicationList,
  Chat,
  ChatAsRead,
  ChatList,
  Customer,
  CustomerList,
  DepartmentList,
  ErrorEnvelope,
  Message,
  MessageList,
  OrganizationResponse,
} from '../src/contract/index.js'
import { ACME_KEY, acmeFixture } from './helpers/fixtures.js'
import { send, startServer, type TestResponse, type TestServer } from './helpers/server.js'

/** One request a real public HelpCrunch client sent (key and host replaced by placeholders). */
interface Trace {
  client: string
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}

const TRACE_FILE = new URL(
  '../../shared/real-client-traces/real-client-requests.jsonl',
  import.meta.url,
)
const traces: Trace[] = readFileSync(TRACE_FILE, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Trace)

/** The endpoints of the read-state core, each with the schema of its success answer. */
const ROUTES: ReadonlyArray<[string, RegExp, number, TSchema]> = [
  ['GET', /^\/v1\/chats$/, 200, ChatList],
  ['GET', /^\/v1\/chats\/\d+$/, 200, Chat],
  ['POST', /^\/v1\/chats$/, 201, Chat],
  ['PUT', /^\/v1\/chats\/(readByAgent|readByCustomer|read)$/, 200, ChatAsRead],
  ['GET', /^\/v1\/chats\/\d+\/messages$/, 200, MessageList],
  ['POST', /^\/v1\/messages$/, 200, Message],
  ['GET', /^\/v1\/customers$/, 200, CustomerList],
  ['GET', /^\/v1\/customers\/\d+$/, 200, Customer],
  ['POST', /^\/v1\/customers$/, 201, Customer],
  ['GET', /^\/v1\/agents$/, 200, AgentList],
  ['GET', /^\/v1\/departments$/, 200, DepartmentList],
  ['GET', /^\/v1\/applications$/, 200, ApplicationList],
  ['GET', /^\/v1\/organization$/, 200, OrganizationResponse],
]

function routeOf(trace: Trace) {
  const path = trace.url.split('?')[0]!
  return ROUTES.find(([method, pattern]) => method === trace.method && pattern.test(path))
}

/** The trace's request with its placeholders filled for the test server. */
function requestOf(trace: Trace) {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(trace.headers)) {
    if (['host', 'connection', 'content-length', 'accept-encoding'].includes(name)) continue
    headers[name] = value.replace('{KEY}', ACME_KEY).replace('{BAD_KEY}', 'not-a-real-key')
  }
  return {
    headers,
    raw: trace.body === null ? undefined : JSON.stringify(trace.body),
    // `send` would add its own default key; these requests carry their own header or none.
    key: null,
  }
}

const errorShape = Compile(ErrorEnvelope)

describe(`replay of ${traces.length} requests real HelpCrunch clients sent`, () => {
  let server: TestServer
  const answers: TestResponse[] = []

  beforeAll(async () => {
    server = await startServer({ fixture: acmeFixture() })
    // In order: some clients create a chat and then write into it.
    for (const trace of traces) {
      answers.push(await send(server.url, trace.method, trace.url, requestOf(trace)))
    }
  })
  afterAll(() => server.close())

  it('holds every request of the trace file', () => {
    expect(traces.length).toBe(119)
  })

  it('answers every request without a server error, in JSON', () => {
    traces.forEach((trace, i) => {
      const answer = answers[i]!
      expect(answer.status, `${trace.method} ${trace.url}`).toBeLessThan(500)
      expect(answer.body, `${trace.method} ${trace.url}: ${answer.text}`).toBeDefined()
    })
  })

  it('answers every error in the HelpCrunch envelope', () => {
    traces.forEach((trace, i) => {
      const answer = answers[i]!
      if (answer.status >= 400) {
        expect(errorShape.Check(answer.body), `${trace.method} ${trace.url}: ${answer.text}`).toBe(
          true,
        )
      }
    })
  })

  it('answers each request to a core endpoint with its documented success shape', () => {
    let checked = 0
    traces.forEach((trace, i) => {
      const route = routeOf(trace)
      const answer = answers[i]!
      if (!route || answer.status >= 400) return
      const [, , status, schema] = route
      expect(answer.status, `${trace.method} ${trace.url}`).toBe(status)
      const check = Compile(schema)
      expect(check.Check(answer.body), `${trace.method} ${trace.url}: ${answer.text}`).toBe(true)
      checked += 1
    })
    expect(checked).toBeGreaterThan(40)
  })

  it('serves every valid request to a core endpoint, and refuses only the bad ones', () => {
    traces.forEach((trace, i) => {
      if (!routeOf(trace)) return
      const answer = answers[i]!
      const auth = trace.headers.authorization ?? ''
      const label = `${trace.method} ${trace.url} ${JSON.stringify(trace.body)}: ${answer.text}`
      if (!auth.includes('{KEY}')) {
        expect(answer.status, label).toBe(401)
      } else if (`${trace.url} ${JSON.stringify(trace.body)}`.includes('999')) {
        expect(answer.status, label).toBe(404)
      } else {
        expect(answer.status, label).toBeLessThan(300)
      }
    })
  })

  it('answers paths HelpCrunch does not have with the documented 404', () => {
    const wrongPath = traces.findIndex((trace) => trace.url === '/v1/chats/2/status')
    expect(answers[wrongPath]!.status).toBe(404)
    expect(answers[wrongPath]!.body.errors[1]).toEqual({
      code: 'not_found',
      message: 'Route not found',
    })
  })
})
