import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyBaseLogger, RouteOptions } from 'fastify'
import type { TSchema } from 'typebox'
import {
  parseBearer,
  type KeyAuthenticator,
  type Principal,
} from '../features/api-keys/api-keys.service.js'
import { JSON_TYPE } from '../features/wire.js'
import { BODY_LIMIT_BYTES, parseJsonBody } from './body.js'
import { errorAnswer } from './error-handler.js'
import type { HeaderSink, RateLimiter } from './rate-limit.js'
import { compileValidator, type Checked } from './validation.js'

/**
 * What a route answers on the fast lane, given in its `config.fastLane`; its Fastify handler must
 * answer with the same function, so that both ways give the same answer.
 */
export interface FastLaneRoute {
  /** The answer's JSON text for a body the route's schema accepted; throws an `ApiError` else. */
  answer(principal: Principal, body: unknown): Promise<string>
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Serve this route on the fast lane too (fast-lane.ts). */
    fastLane?: FastLaneRoute
  }
}

export interface FastLaneOptions {
  /** The keys the `/v1` hook checks: the lane takes only a request whose key it remembers. */
  readonly keys: KeyAuthenticator
  /** `null` when limits are off. */
  readonly limiter: RateLimiter | null
  /** Fastify's `genReqId`: ids stay unique across both ways in. */
  readonly requestId: (request: IncomingMessage) => string
  readonly log: FastifyBaseLogger
}

/**
 * The fast lane: the hottest routes (mark-read) answered straight from node:http, without
 * Fastify's work per request (routing, hooks, body parsing, the reply's pipeline), about 8% of
 * mark-read's CPU time (README, Performance). A request takes the lane only when Fastify would do
 * nothing but what the lane does: the exact path of a lane route, a JSON body whose
 * `Content-Length` is within the limit, and a key checked less than a second ago. The lane then
 * goes the same steps in the same order, with the same functions: the key's rate limit, the body
 * parser, the route's schema, the route's answer, the error answer. Any other request, and every
 * request once the server is closing, is left to Fastify, which answers it. A hook added to the
 * `/v1` routes must be mirrored here, or the route taken off the lane: test/fast-lane.test.ts
 * compares the answers of a server with the lane and one without.
 */
export class FastLane {
  private readonly routes = new Map<string, LaneRoute>()
  private closing = false

  constructor(private readonly options: FastLaneOptions) {}

  /** Fastify's `onRoute` hook: a route whose config names `fastLane` is served here too. */
  readonly onRoute = (route: RouteOptions): void => {
    const lane = route.config?.fastLane
    if (lane === undefined) return
    const schema = route.schema?.body as TSchema | undefined
    if (schema === undefined) throw new Error(`${route.url}: a fast-lane route needs a body schema`)
    const check = compileValidator(schema, true)
    for (const method of [route.method].flat()) {
      this.routes.set(`${method} ${route.url}`, { check, lane })
    }
  }

  /** From now on every request goes to Fastify (which answers 503 while the server closes). */
  close(): void {
    this.closing = true
  }

  /** Answers `request` and returns true, or returns false and leaves it untouched to Fastify. */
  take(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.closing) return false
    const route = this.routes.get(`${request.method} ${request.url}`)
    if (route === undefined || !hasSmallJsonBody(request.headers)) return false
    const key = parseBearer(request.headers.authorization)
    const principal = key === null ? null : this.options.keys.known(key)
    if (principal === null) return false
    this.serve(route, principal, request, response).catch((error: unknown) => {
      this.options.log.error({ err: error, url: request.url }, 'fast lane failed')
      response.destroy()
    })
    return true
  }

  private async serve(
    route: LaneRoute,
    principal: Principal,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const headers = new LaneHeaders(this.options.requestId(request))
    // Read at once, while the limit is counted. A 429 is answered without it, and a body then
    // cut short must not count as an unhandled rejection.
    const text = readBody(request)
    text.catch(() => {})
    let status = 200
    let body: string
    try {
      const { limiter } = this.options
      if (limiter) await limiter.consume(`key:${principal.keyId}`, headers, true)
      const parsed = parseJsonBody(await text)
      if (parsed.error) {
        // As Fastify does when a body fails to parse: the client may be sending more of it.
        headers.header('connection', 'close')
        throw parsed.error
      }
      // Fastify hands a body-less request's validator null, as here.
      const checked = route.check(parsed.value ?? null)
      if (checked.error) throw checked.error
      body = await route.lane.answer(principal, checked.value)
    } catch (error) {
      if (error === CLIENT_GONE) return
      const answer = errorAnswer(error, this.options.log, { id: headers.id, url: request.url! })
      status = answer.status
      body = answer.body
    }
    response.writeHead(status, headers.finish(body)).end(body)
  }
}

interface LaneRoute {
  readonly check: (body: unknown) => Checked
  readonly lane: FastLaneRoute
}

/** Headers of a lane answer, in the order Fastify's would have them. */
class LaneHeaders implements HeaderSink {
  private readonly values: Record<string, string | number>

  constructor(readonly id: string) {
    this.values = { 'x-request-id': id }
  }

  header(name: string, value: number | string): this {
    this.values[name] = value
    return this
  }

  finish(body: string): Record<string, string | number> {
    this.values['content-type'] = JSON_TYPE
    this.values['content-length'] = Buffer.byteLength(body)
    return this.values
  }
}

/** `Content-Type` values the lane takes; any other (a malformed one, say) is Fastify's to judge. */
const JSON_TYPES = /^application\/json(\s*;\s*charset=utf-8)?$/i

/**
 * Whether a request's body is JSON of a known length within the body limit: no chunked body,
 * whose limit Fastify enforces as it reads, and no malformed `Content-Type`.
 */
function hasSmallJsonBody(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type']
  if (type !== undefined && !JSON_TYPES.test(type)) return false
  const length = headers['content-length']
  if (length === undefined || headers['transfer-encoding'] !== undefined) return false
  return /^[0-9]{1,7}$/.test(length) && Number(length) <= BODY_LIMIT_BYTES
}

/** Why a body was never read to its end: the client went away, and nothing is answered. */
const CLIENT_GONE = new Error('the client went away before the end of its body')

/** The body's text, decoded as Fastify does (Node has checked it against `Content-Length`). */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.once('end', () =>
      resolve(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      ),
    )
    // After 'end' this changes nothing; before it (an error comes with it), the body will never
    // be whole.
    request.once('close', () => reject(CLIENT_GONE))
  })
}
