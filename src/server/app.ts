import { randomUUID } from 'node:crypto'
import type { RequestListener, Server } from 'node:http'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { LogLevel } from './config.js'
import { nowSeconds, type AppDeps } from './deps.js'
import { cachedAuthenticator } from './features/api-keys/api-keys.service.js'
import { agentsRoutes } from './features/agents/agents.routes.js'
import { applicationsRoutes } from './features/applications/applications.routes.js'
import { chatSearchRoutes } from './features/chats/chat-search.routes.js'
import { readReportRoutes } from './features/chats/read-report.routes.js'
import { chatsRoutes } from './features/chats/chats.routes.js'
import { startSnoozeClock, type SnoozeClock } from './features/chats/snooze.js'
import { customerSearchRoutes } from './features/customer-search/customer-search.routes.js'
import { customersRoutes } from './features/customers/customers.routes.js'
import { departmentsRoutes } from './features/departments/departments.routes.js'
import { eventsRoutes } from './features/events/events.routes.js'
import { messagesRoutes } from './features/messages/messages.routes.js'
import { organizationRoutes } from './features/organization/organization.routes.js'
import {
  DEFAULT_WEBHOOK_SETTINGS,
  startWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookSettings,
} from './features/webhooks/webhook-dispatcher.js'
import { authenticateRequests } from './http/auth.js'
import { BODY_LIMIT_BYTES, parseBodiesAsJson } from './http/body.js'
import {
  clientErrorHandler,
  frameworkErrors,
  notFound,
  renderErrors,
} from './http/error-handler.js'
import { FastLane } from './http/fast-lane.js'
import { registerOpenApi } from './http/openapi.js'
import { createRateLimiter } from './http/rate-limit.js'
import { validatorCompiler } from './http/validation.js'
import { MemoryRateLimitStore, type RateLimitStore } from './shared-state/rate-limit-store.js'
import type { Db } from './storage/db.js'
import { PACKAGE_VERSION } from '../version.js'

export interface AppOptions {
  /** Where the data lives; the caller opens, migrates and closes it. */
  readonly db: Db
  /** Requests a minute per API key; 0 turns limiting off. */
  readonly rateLimit: number
  /** Length of a rate-limit window; one minute unless a test shortens it. */
  readonly rateLimitWindowMs?: number
  /** Where the counters live; in this process's memory by default. */
  readonly rateLimitStore?: RateLimitStore
  /** Redis to share the counters through, unless `rateLimitStore` is given. */
  readonly redis?: { readonly url: string; readonly keyPrefix: string }
  /** Log level; `debug` and `trace` also log every request. Default `info`. */
  readonly logLevel?: LogLevel
  /** Epoch milliseconds; tests pass their own clock. */
  readonly now?: () => number
  /** How often due snoozes are ended; every second unless a test wants it sooner. */
  readonly snoozeCheckMs?: number
  /**
   * Serve mark-read on the fast lane (http/fast-lane.ts) unless false; it is off anyway while
   * requests are logged (`debug`, `trace`), which only Fastify does. Tests compare both ways.
   */
  readonly fastLane?: boolean
  /** How webhooks are delivered; `DEFAULT_WEBHOOK_SETTINGS` for what is not given. */
  readonly webhooks?: Partial<WebhookSettings>
}

/**
 * Request ids: the caller's `X-Request-Id` when it is a sane token, else this process's random
 * prefix and a counter, unique across restarts and processes without a UUID per request.
 */
function requestIds(): (request: {
  headers: Record<string, string | string[] | undefined>
}) => string {
  const prefix = randomUUID().slice(0, 8)
  let counter = 0
  return (request) => {
    const given = request.headers['x-request-id']
    if (typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given)) return given
    counter += 1
    return `${prefix}-${counter.toString(36)}`
  }
}

/**
 * The counters' store: Redis when one is configured and limits are on (connected before the
 * server listens, or counting locally until it answers), else this process's memory.
 */
async function sharedRateLimitStore(
  app: FastifyInstance,
  options: AppOptions,
): Promise<RateLimitStore> {
  if (!options.redis || options.rateLimit === 0) return new MemoryRateLimitStore()
  // Loaded only when configured: a server without Redis never holds its client (about 26 MB).
  const { RedisRateLimitStore } = await import('./shared-state/redis-rate-limit-store.js')
  const store = new RedisRateLimitStore({
    ...options.redis,
    log: { warn: (message) => app.log.warn(message), info: (message) => app.log.info(message) },
  })
  await store.connect()
  return store
}

/**
 * Builds the HelpCrunch v1 server, ready to `listen` or `inject`. It never listens by itself.
 *
 * Every `/v1` request goes: authenticate the Bearer key -> count it against the key's rate limit
 * -> parse and validate -> the feature's handler -> serialize through the response schema (an
 * allowlist of fields, in the documented order).
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const level = options.logLevel ?? 'info'
  const logRequests = level === 'debug' || level === 'trace'
  const ids = requestIds()
  const app = Fastify({
    logger: { level },
    logController: new LogController({
      disableRequestLogging: level !== 'debug' && level !== 'trace',
    }),
    genReqId: ids,
    // No child logger per request unless requests are logged: otherwise nothing logs per request
    // but a failure, whose log line names the request id itself; a child costs a JSON
    // serialization on every request.
    ...(logRequests ? {} : { childLoggerFactory: (logger: FastifyBaseLogger) => logger }),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    return503OnClosing: true,
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  await registerOpenApi(app, PACKAGE_VERSION)
  parseBodiesAsJson(app)
  renderErrors(app)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  const deps: AppDeps = { db: options.db, now: options.now ?? Date.now }
  const store = options.rateLimitStore ?? (await sharedRateLimitStore(app, options))
  const limiter = createRateLimiter({
    store,
    limit: options.rateLimit,
    windowMs: options.rateLimitWindowMs ?? 60_000,
    now: deps.now,
  })
  app.addHook('onClose', () => store.close())
  const keys = cachedAuthenticator(options.db)
  const lane =
    options.fastLane === false || logRequests
      ? null
      : new FastLane({ keys, limiter, requestId: ids, log: app.log })
  if (lane) {
    app.addHook('onRoute', lane.onRoute)
    app.addHook('preClose', (done) => {
      lane.close()
      done()
    })
  }

  let snoozes: SnoozeClock | undefined
  app.addHook('onReady', async () => {
    snoozes = await startSnoozeClock(
      options.db,
      () => nowSeconds(deps),
      options.snoozeCheckMs ?? 1000,
      (error) => app.log.error({ err: error }, 'ending due snoozes failed'),
    )
  })
  app.addHook('onClose', async () => snoozes?.stop())

  let webhooks: WebhookDispatcher | undefined
  app.addHook('onReady', async () => {
    webhooks = startWebhookDispatcher(
      options.db,
      { ...DEFAULT_WEBHOOK_SETTINGS, ...options.webhooks },
      app.log,
    )
  })
  app.addHook('onClose', async () => webhooks?.stop())

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', authenticateRequests(keys, limiter))
      // An unknown /v1 route asks for a key and counts against the limit like any other.
      v1.setNotFoundHandler(notFound)
      for (const routes of [
        chatsRoutes,
        chatSearchRoutes,
        readReportRoutes,
        messagesRoutes,
        customerSearchRoutes,
        customersRoutes,
        eventsRoutes,
        agentsRoutes,
        departmentsRoutes,
        applicationsRoutes,
        organizationRoutes,
      ]) {
        await v1.register(routes(deps))
      }
    },
    { prefix: '/v1' },
  )

  // For load balancers and supervisors: 200 while the database answers, 503 while it does not.
  app.get('/healthz', async (_request, reply) => {
    reply.type('application/json; charset=utf-8')
    try {
      await options.db.ping()
    } catch (error) {
      app.log.error({ err: error }, 'health check: the database does not answer')
      return reply.code(503).send('{"status":"unavailable","reason":"database"}')
    }
    return reply.send('{"status":"ok"}')
  })

  if (lane) putInFront(app.server, lane)
  return app
}

/** Puts the fast lane in front of Fastify's own handler of the server's requests. */
function putInFront(server: Server, lane: FastLane): void {
  const handlers = server.listeners('request') as RequestListener[]
  if (handlers.length !== 1) {
    throw new Error(`expected Fastify's one request handler, found ${handlers.length}`)
  }
  const fastify = handlers[0]!
  server.removeAllListeners('request')
  server.on('request', (request, response) => {
    if (!lane.take(request, response)) fastify(request, response)
  })
}
