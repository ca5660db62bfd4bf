import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ReadChatBody } from '../src/contract/index.js'
import { acmeFixture } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

let server: TestServer
let doc: any
beforeAll(async () => {
  server = await startServer({ fixture: acmeFixture() })
  const res = await server.request('GET', '/openapi.json', { key: null })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  doc = res.body
})
afterAll(async () => {
  await server.close()
})

/**
 * Every method and path the server registers, read from Fastify's own route tree
 * (`printRoutes`): each line is a node whose path is its ancestors' segments and its own.
 */
function registeredRoutes(): string[] {
  const stack: string[] = []
  const routes: string[] = []
  for (const line of server.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line)
    if (!match) continue
    const depth = match[1]!.length / 4
    stack.length = depth
    stack.push(match[2]!)
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      routes.push(`${method} ${stack.join('')}`)
    }
  }
  return routes
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const result = await new Validator().validate(doc)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
  })

  it('describes every /v1 route the server registers, and nothing else', () => {
    const registered = registeredRoutes()
      .filter((route) => / \/v1\//.test(route) && !route.startsWith('HEAD '))
      .map((route) => route.replace(/:(\w+)/g, '{$1}'))
    expect(registered.length).toBeGreaterThanOrEqual(30)
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(
      ([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`),
    )
    expect([...documented].sort()).toEqual([...registered].sort())
  })

  it('is built from the schemas that validate requests', () => {
    const body = doc.paths['/v1/chats/readByAgent'].put.requestBody.content['application/json']
    expect(body.schema).toEqual(JSON.parse(JSON.stringify(ReadChatBody)))
  })

  it('names the Bearer key, and the error envelope of every 4XX and 5XX answer', () => {
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' })
    for (const operations of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const operation of Object.values(operations)) {
        expect(operation.responses['4XX'].content['application/json'].schema).toEqual({
          $ref: '#/components/schemas/ErrorEnvelope',
        })
        expect(operation.operationId).toMatch(/^(get|post|put|patch|delete)[A-Z]/)
      }
    }
  })
})

describe('GET /docs', () => {
  it('serves a readable reference page without a key', async () => {
    const res = await server.request('GET', '/docs/', { key: null })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.text).toContain('swagger-ui')
    const spec = await server.request('GET', '/docs/json', { key: null })
    expect(spec.body.paths).toEqual(doc.paths)
  })
})
