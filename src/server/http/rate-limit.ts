import { Errors } from '../errors.js'
import type { RateLimitStore } from '../shared-state/rate-limit-store.js'

export interface RateLimiterOptions {
  readonly store: RateLimitStore
  /** Requests allowed per window and bucket; 0 turns limiting off. */
  readonly limit: number
  /** Window length; one minute unless a test shortens it. */
  readonly windowMs?: number
  /** Epoch milliseconds. */
  readonly now: () => number
}

/** Where the limit's headers go: Fastify's reply, or the fast lane's answer. */
export interface HeaderSink {
  header(name: string, value: number): unknown
}

/** Counts requests per bucket and answers 429 past the limit. */
export interface RateLimiter {
  /**
   * Counts one request; sets `X-RateLimit-Limit`, `-Remaining` and `-Reset` (UNIX seconds) when
   * `withHeaders`, and throws a 429 carrying `Retry-After` (whole seconds) past the limit.
   */
  consume(bucket: string, reply: HeaderSink, withHeaders: boolean): Promise<void>
}

/** The limiter of `options`; `null` when its limit is 0 (off): nothing is counted, no header set. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter | null {
  const { store, limit, now } = options
  const windowMs = options.windowMs ?? 60_000
  if (!Number.isInteger(limit) || limit < 0) throw new Error('limit must be a whole number >= 0')
  if (limit === 0) return null
  return {
    async consume(bucket, reply, withHeaders) {
      const at = now()
      const { count, resetAtMs } = await store.hit(bucket, windowMs, at)
      if (withHeaders) {
        reply.header('x-ratelimit-limit', limit)
        reply.header('x-ratelimit-remaining', Math.max(0, limit - count))
        reply.header('x-ratelimit-reset', Math.ceil(resetAtMs / 1000))
      }
      if (count > limit) {
        reply.header('retry-after', Math.max(1, Math.ceil((resetAtMs - at) / 1000)))
        throw Errors.tooManyRequests()
      }
    },
  }
}
