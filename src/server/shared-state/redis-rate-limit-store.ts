import { Redis } from 'ioredis'
import { redact } from '../storage/url.js'
import { MemoryRateLimitStore, type RateLimitHit, type RateLimitStore } from './rate-limit-store.js'

/** Where the store says that shared counting stopped or resumed; the server's logger. */
export interface SharedStateLog {
  warn(message: string): void
  info(message: string): void
}

export interface RedisRateLimitStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  readonly url: string
  readonly log: SharedStateLog
  /** Prefix of every key this store writes, so deployments can share one Redis. */
  readonly keyPrefix?: string
  /** How long one count may wait for Redis before the request is counted locally. */
  readonly commandTimeoutMs?: number
  /** After a failed count, how long to count locally before asking Redis again. */
  readonly retryAfterFailureMs?: number
}

/**
 * One request counted in Redis, atomically: the count of the bucket's window and what is left of
 * the window. The first hit of a window starts its clock, as the memory store does, and the
 * window ends for every process at once because Redis expires the key.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`

type HitCommand = (key: string, windowMs: number) => Promise<[number, number]>

/**
 * Rate-limit counters in Redis, shared by every process that uses the same Redis and prefix.
 *
 * It never fails a request: while Redis cannot be reached (down, restarting, too slow) each
 * process counts in its own memory, the log says so once, and shared counting resumes by itself
 * once Redis answers again (the log says that once too). The client reconnects in the background
 * and never queues commands while disconnected, so a request never waits on a dead connection.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis
  private readonly hitCommand: HitCommand
  private readonly local = new MemoryRateLimitStore()
  private readonly keyPrefix: string
  private readonly retryAfterFailureMs: number
  private readonly where: string
  /** Whether counting is local now, so each change is logged once. */
  private degraded = false
  /** Epoch ms before which a failed Redis is not asked again. */
  private quietUntilMs = 0
  private closed = false

  constructor(private readonly options: RedisRateLimitStoreOptions) {
    this.keyPrefix = options.keyPrefix ?? 'opencrunch:'
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 1000
    this.where = redact(options.url)
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 200,
      connectTimeout: 2000,
      // Keep trying, at most every 2 s, for as long as the server runs.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    })
    this.redis.defineCommand('opencrunchRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT })
    this.hitCommand = (
      this.redis as unknown as Record<'opencrunchRateLimitHit', HitCommand>
    ).opencrunchRateLimitHit.bind(this.redis)
    // Errors surface as failed counts; without a listener every reconnect attempt would throw.
    this.redis.on('error', () => {})
    this.redis.on('ready', () => {
      this.quietUntilMs = 0
      if (this.degraded) {
        this.degraded = false
        this.options.log.info(`Redis at ${this.where} is back: rate limits are shared again.`)
      }
    })
  }

  /**
   * Connects, waiting at most `timeoutMs`. Resolves either way: when Redis is not there yet, the
   * store starts out counting locally and the log says so.
   */
  async connect(timeoutMs = 3000): Promise<void> {
    const connected = this.redis.connect().then(
      (): true => true,
      (error: unknown) => (error as Error).message,
    )
    const timedOut = new Promise<string>((resolve) => {
      setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs).unref()
    })
    const outcome = await Promise.race([connected, timedOut])
    if (typeof outcome === 'string') this.fallBack(outcome)
  }

  async hit(bucket: string, windowMs: number, nowMs: number): Promise<RateLimitHit> {
    if (this.redis.status === 'ready' && Date.now() >= this.quietUntilMs) {
      try {
        const [count, ttlMs] = await this.hitCommand(
          this.keyPrefix + 'ratelimit:' + bucket,
          windowMs,
        )
        return { count, resetAtMs: nowMs + ttlMs }
      } catch (error) {
        this.quietUntilMs = Date.now() + this.retryAfterFailureMs
        this.fallBack((error as Error).message)
      }
    } else if (this.redis.status !== 'ready') {
      this.fallBack(`connection ${this.redis.status}`)
    }
    return this.local.hit(bucket, windowMs, nowMs)
  }

  /** Whether counts go to Redis now (false while counting locally). */
  get shared(): boolean {
    return !this.degraded && this.redis.status === 'ready'
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.local.close()
    this.redis.disconnect()
  }

  private fallBack(reason: string): void {
    if (this.degraded || this.closed) return
    this.degraded = true
    this.options.log.warn(
      `Redis at ${this.where} cannot be reached (${reason}): each process counts rate limits ` +
        'on its own until it is back. Check that Redis is running and REDIS_URL is right.',
    )
  }
}
