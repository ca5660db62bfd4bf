import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { ErrorEnvelope } from '../../contract/index.js'

/** What a route tag, summary and operation id are made of: `PUT /v1/chats/readByAgent`. */
function describe(method: string, url: string) {
  const parts = url.replace(/^\/v1\//, '').split('/')
  const tag = parts[0]!
  const words = parts.map((part) => (part.startsWith(':') ? 'by ' + part.slice(1) : part))
  const operationId =
    method.toLowerCase() +
    words
      .join(' ')
      .split(/\s+/)
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('')
  return { tag, operationId }
}

/**
 * Serves the OpenAPI 3.1 document of every `/v1` endpoint at `/openapi.json`, built from the
 * route schemas that validate requests and serialize answers, and a reference page at `/docs`.
 * Every operation also documents HelpCrunch's error envelope for 4XX and 5XX answers. Must be
 * registered before the routes.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'HelpCrunch REST API v1 (opencrunch)',
        version,
        description:
          'The HelpCrunch REST API v1 as opencrunch serves it. Authenticate with ' +
          '`Authorization: Bearer <API key>`; 120 requests a minute per key by default.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: { ErrorEnvelope: ErrorEnvelope as unknown as Record<string, unknown> },
      },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const method = Array.isArray(route.method) ? route.method[0]! : route.method
      if (!url.startsWith('/v1/')) return { schema: { ...schema, hide: true }, url }
      const { tag, operationId } = describe(method, url)
      const error = {
        description: 'HelpCrunch error envelope',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
      }
      return {
        url,
        schema: {
          ...schema,
          tags: [tag],
          operationId,
          response: { ...(schema?.response as object), '4XX': error, '5XX': error },
        },
      }
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  app.get('/openapi.json', { schema: { hide: true } }, (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
  )
}
