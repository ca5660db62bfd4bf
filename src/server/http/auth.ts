import type { FastifyReply, FastifyRequest } from 'fastify'
import { Errors } from '../errors.js'
import {
  parseBearer,
  type KeyAuthenticator,
  type Principal,
} from '../features/api-keys/api-keys.service.js'
import type { RateLimiter } from './rate-limit.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The organization and key the request acts for; set by `authenticateRequests`. */
    principal: Principal
  }
}

/**
 * The `onRequest` hook of every `/v1` route: resolves the Bearer key to its organization, then
 * counts the request against the key's rate limit. A request without a valid key gets the 401;
 * failed attempts are also counted per client address, so guessing keys runs into a 429.
 */
export function authenticateRequests(keys: KeyAuthenticator, limiter: RateLimiter | null) {
  return async function authenticateRequest(request: FastifyRequest, reply: FastifyReply) {
    const key = parseBearer(request.headers.authorization)
    const principal = key === null ? null : await keys.authenticate(key)
    if (principal === null) {
      await limiter?.consume(`ip:${request.ip}`, reply, false)
      throw Errors.unauthorized()
    }
    request.principal = principal
    await limiter?.consume(`key:${principal.keyId}`, reply, true)
  }
}
