import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Type, { type TSchema } from 'typebox'
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
  Event,
  Message,
  MessageList,
  OrganizationResponse,
} from '../src/contract/index.js'
import { ACME_KEY, acmeFixture } from './helpers/fixtures.js'
import { send, startServer, type TestResponse, type TestServer } from './helpers/server.js'
import { HAS_SHARED, readTraces, type Trace } from './helpers/shared.js'

const traces = readTraces()

const OK = Type.Literal('Ok')

/** Every endpoint of the catalogue, each with the schema of its success answer. */
const ROUTES: ReadonlyArray<[string, RegExp, number, TSchema]> = [
  ['GET', /^\/v1\/chats$/, 200, ChatList],
  ['POST', /^\/v1\/chats\/search$/, 200, ChatList],
  ['PUT', /^\/v1\/chats\/(snooze|status|assignee|department|rate)$/, 200, Chat],
  ['POST', /^\/v1\/customers\/search$/, 200, CustomerList],
  ['PUT', /^\/v1\/customers\/batch$/, 200, Type.Array(Customer)],
  ['PUT', /^\/v1\/customers\/\d+$/, 200, Customer],
  ['PATCH', /^\/v1\/customers\/\d+$/, 200, Customer],
  ['DELETE', /^\/v1\/customers\/\d+$/, 200, OK],
  ['PUT', /^\/v1\/customers\/\d+\/tags$/, 200, Customer],
  ['DELETE', /^\/v1\/customers\/\d+\/tags$/, 200, Customer],
  ['POST', /^\/v1\/events$/, 200, Event],
  ['GET', /^\/v1\/agents\/\d+\/unsubscribe$/, 200, OK],
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

/** Requests real clients get wrong, and the answer each deserves. */
const KNOWN_BAD: ReadonlyArray<[string, string, string, unknown[]]> = [
  // The PHP client sends the status under the wrong name.
  [
    'PUT',
    '/v1/chats/status',
    '{"id":2,"snoozedUntil":"closed"}',
    [
      { code: 'invalid_request', message: 'Invalid request' },
      { code: 'status', message: 'This value should not be blank.' },
    ],
  ],
]

describe.runIf(HAS_SHARED)(
  `replay of ${traces.length} requests real HelpCrunch clients sent`,
  () => {
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
          expect(
            errorShape.Check(answer.body),
            `${trace.method} ${trace.url}: ${answer.text}`,
          ).toBe(true)
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

    it('serves every valid request, and refuses only the bad ones, each as it should', () => {
      traces.forEach((trace, i) => {
        if (!routeOf(trace)) return
        const answer = answers[i]!
        const auth = trace.headers.authorization ?? ''
        const label = `${trace.method} ${trace.url} ${JSON.stringify(trace.body)}: ${answer.text}`
        const known = KNOWN_BAD.find(([method, url, body]) => {
          return method === trace.method && url === trace.url && body === JSON.stringify(trace.body)
        })
        if (!auth.includes('{KEY}')) {
          expect(answer.status, label).toBe(401)
        } else if (known) {
          expect(answer.body.errors, label).toEqual(known[3])
        } else if (`${trace.url} ${JSON.stringify(trace.body)}`.includes('999')) {
          expect(answer.status, label).toBe(404)
        } else {
          expect(answer.status, label).toBeLessThan(300)
        }
      })
    })

    it('knows every endpoint the clients call, but the one HelpCrunch does not have', () => {
      const unknown = traces.filter((trace) => !routeOf(trace)).map((t) => `${t.method} ${t.url}`)
      expect(unknown).toEqual(['PUT /v1/chats/2/status'])
    })

    it('answers paths HelpCrunch does not have with the documented 404', () => {
      const wrongPath = traces.findIndex((trace) => trace.url === '/v1/chats/2/status')
      expect(answers[wrongPath]!.status).toBe(404)
      expect(answers[wrongPath]!.body.errors[1]).toEqual({
        code: 'not_found',
        message: 'Route not found',
      })
    })
  },
)
