import type { Socket } from 'node:net'
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify'
import { ApiError, Errors } from '../errors.js'
import { JSON_TYPE } from '../features/wire.js'
import { BODY_LIMIT_BYTES } from './body.js'

/**
 * Renders every error in the HelpCrunch envelope: API errors as they are, Fastify's client errors
 * as 400 (or 413 for a large body), an unknown route as 404 "Route not found", and anything else
 * as a logged, generic 500 that never shows a stack trace.
 */
export function renderErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = errorAnswer(error, request.log, request)
    return reply.code(apiError.status).type(JSON_TYPE).send(apiError.body)
  })
  app.setNotFoundHandler(notFound)
}

/** 404 "Route not found" for a path or method the API does not have. */
export function notFound(_request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).type(JSON_TYPE).send(Errors.notFound('Route').body)
}

/**
 * The error a request is answered with, in the envelope; an unexpected one (a 500) is logged
 * first with the request's id and URL, its detail never reaching the client.
 */
export function errorAnswer(
  error: unknown,
  log: FastifyBaseLogger,
  request: { readonly id: string; readonly url: string },
): ApiError {
  const apiError = toApiError(error)
  if (apiError.status >= 500) {
    log.error({ err: error, reqId: request.id, url: request.url }, 'request failed')
  }
  return apiError
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const fastifyError = error as Partial<FastifyError>
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return Errors.requestTooLarge(BODY_LIMIT_BYTES)
  }
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) return Errors.badRequest()
  return Errors.internal()
}

/**
 * Fastify's `frameworkErrors`: a request it cannot route at all (a malformed URL, say) still gets
 * the 400 in the envelope, with its request id.
 */
export function frameworkErrors(
  _error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  void reply
    .code(400)
    .header('x-request-id', request.id)
    .type(JSON_TYPE)
    .send(Errors.badRequest().body)
}

/**
 * Node's `clientError`: a request too malformed to parse (bad framing, bad headers) gets the 400
 * in the envelope before the connection closes, instead of an HTML-less empty answer.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy()
    return
  }
  const body = Errors.badRequest().body
  socket.end(
    'HTTP/1.1 400 Bad Request\r\n' +
      `Content-Type: ${JSON_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  )
}
