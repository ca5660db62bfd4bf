import type { FastifyError, FastifyInstance } from 'fastify'
import { ApiError, Errors } from '../errors.js'
import { BODY_LIMIT_BYTES } from './body.js'

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Renders every error in the HelpCrunch envelope: API errors as they are, Fastify's client errors
 * as 400 (or 413 for a large body), an unknown route as 404 "Route not found", and anything else
 * as a logged, generic 500 that never shows a stack trace.
 */
export function renderErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error)
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed')
    return reply.code(apiError.status).type(JSON_TYPE).send(apiError.body)
  })
  app.setNotFoundHandler((_request, reply) => {
    return reply.code(404).type(JSON_TYPE).send(Errors.notFound('Route').body)
  })
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
