import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { ErrorEnvelope } from '../../src/contract/index.js'

// Every answer a test server gives under /v1 is checked against the server's own /openapi.json:
// a response the document does not describe fails the test file that received it.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }))
/** Compiled response schemas by `METHOD path status`; the document is the same for every server. */
const validators = new Map<string, ValidateFunction | null>()

interface Responses {
  [status: string]: { content?: { 'application/json'?: { schema?: Record<string, unknown> } } }
}
interface Document {
  paths: Record<string, Record<string, { responses: Responses }>>
}

function validatorFor(
  doc: Document,
  method: string,
  route: string | undefined,
  status: number,
): ValidateFunction | null {
  const path = route?.replace(/:(\w+)/g, '{$1}')
  const key = `${method} ${path ?? '(no route)'} ${status}`
  if (validators.has(key)) return validators.get(key)!
  let schema: Record<string, unknown> | undefined
  if (path === undefined) {
    schema = ErrorEnvelope as unknown as Record<string, unknown> // unknown routes: the envelope
  } else {
    const responses = doc.paths[path]?.[method.toLowerCase()]?.responses
    const answer = responses?.[String(status)] ?? responses?.[`${String(status)[0]}XX`]
    schema = answer?.content?.['application/json']?.schema
    if (schema?.$ref === '#/components/schemas/ErrorEnvelope') {
      schema = ErrorEnvelope as unknown as Record<string, unknown>
    }
  }
  const validate = schema === undefined ? null : ajv.compile(schema)
  validators.set(key, validate)
  return validate
}

/**
 * Checks every `/v1` answer of `app` from now on; returns the list of mismatches it finds. Fastify's
 * answers are checked as they are sent; the fast lane's (which never reach Fastify) as they finish,
 * under their route, which is their path.
 */
export function checkResponsesAgainstOpenApi(app: FastifyInstance): string[] {
  const failures: string[] = []
  let doc: Document | undefined
  const check = (
    method: string,
    url: string,
    route: string | undefined,
    status: number,
    payload: unknown,
  ) => {
    if (method === 'HEAD' || !url.startsWith('/v1')) return
    doc ??= app.swagger() as unknown as Document
    const where = `${method} ${url} -> ${status}`
    const validate = validatorFor(doc, method, route, status)
    if (validate === null) {
      failures.push(`${where}: /openapi.json describes no such answer`)
    } else if (typeof payload === 'string') {
      let body: unknown
      try {
        body = JSON.parse(payload)
      } catch {
        failures.push(`${where}: the answer is not JSON`)
        return
      }
      if (!validate(body)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`)
    }
  }
  const sentByFastify = new WeakSet<ServerResponse>()
  app.addHook('onSend', (request, reply, payload, done) => {
    sentByFastify.add(reply.raw)
    check(request.method, request.url, request.routeOptions.url, reply.statusCode, payload)
    done(null, payload)
  })
  app.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse
    let payload: unknown
    response.end = ((...args: unknown[]) => {
      payload = args[0]
      return end(...args)
    }) as ServerResponse['end']
    response.once('finish', () => {
      if (sentByFastify.has(response)) return
      // Answered before Fastify's hooks (the lane's, or Fastify's own 400 for a URL it cannot
      // route): checked under its path where the document has that path.
      const url = request.url ?? ''
      const path = url.split('?')[0]!
      const method = request.method ?? ''
      doc ??= app.swagger() as unknown as Document
      if (doc.paths[path]?.[method.toLowerCase()] === undefined) return
      check(method, url, path, response.statusCode, payload)
    })
  })
  return failures
}
