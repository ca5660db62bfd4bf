import { randomUUID } from 'node:crypto'
import type { Db } from '../../storage/db.js'
import { attempt } from './webhook-delivery.js'
import {
  deleteDelivery,
  dueEndpoints,
  giveUp,
  nextDelivery,
  releaseLease,
  renewLease,
  scheduleRetry,
  takeLease,
  type Endpoint,
} from './webhook-queue.repository.js'

/** How the server delivers webhooks. */
export interface WebhookSettings {
  /** How often the queue is looked at, in ms. */
  readonly pollMs: number
  /**
   * Seconds to wait before each retry of a failed delivery, in order; a delivery is given up on
   * after failing once more than there are delays.
   */
  readonly retryDelaysSeconds: readonly number[]
  /** How long a receiver has to answer, in ms. */
  readonly timeoutMs: number
  readonly fetch: typeof fetch
}

/**
 * Every second; a receiver answers within 10 s; retries after 10 s, 1 min, 5 min, 30 min, 1 h,
 * 3 h, 6 h and 12 h, so a receiver may be down for about a day without losing an event.
 */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  pollMs: 1000,
  retryDelaysSeconds: [10, 60, 300, 1800, 3600, 10_800, 21_600, 43_200],
  timeoutMs: 10_000,
  fetch: (...args) => fetch(...args),
}

/**
 * Deliveries sent to one endpoint in a turn, and how long a turn may last: then the endpoint
 * lets the others have its place, and is served again by a later tick.
 */
const BATCH = 100
const TURN_MS = 5000

/** Endpoints served at once, so that a slow receiver holds back only its own deliveries. */
const PARALLEL = 8

/** The longest wait between rounds after the database failed, in ms. */
const MAX_BACKOFF_MS = 30_000

export interface WebhookLogger {
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

export interface WebhookDispatcher {
  /** Stops looking at the queue and cuts short any attempt under way (it will be sent again). */
  stop(): Promise<void>
}

const seconds = () => Math.floor(Date.now() / 1000)

/**
 * Delivers the webhook queue in the background: each endpoint's deliveries (an organization's
 * URL, for every event type it takes) in the order they were queued, one at a time, so a
 * receiver sees a chat's read changes in the order they happened; a failed one holds back those
 * after it until it is delivered or given up on. Up to 8 endpoints are served at once, each on
 * its own and for a turn of at most 100 deliveries or 5 s, so a slow receiver mostly holds back
 * its own deliveries. An endpoint is leased while it is served, so that several processes on one
 * database never send to it at the same time, and a process that lost its lease writes nothing
 * of what it sent. Delivery is at least once: a receiver may see an event again (the same `id`)
 * when a process stops between the receiver's answer and the queue's update.
 */
export function startWebhookDispatcher(
  db: Db,
  settings: WebhookSettings,
  log: WebhookLogger,
): WebhookDispatcher {
  const owner = randomUUID()
  const stopping = new AbortController()
  // Long enough for a whole attempt; renewed before each.
  const leaseSeconds = Math.ceil(settings.timeoutMs / 1000) + 30
  let timer: NodeJS.Timeout | undefined
  let round: Promise<void> = Promise.resolve()
  let failures = 0

  async function drain(endpoint: Endpoint): Promise<void> {
    const holder = { endpoint, owner }
    const until = Date.now() + TURN_MS
    for (let sent = 0; sent < BATCH && Date.now() < until && !stopping.signal.aborted; sent++) {
      const delivery = await nextDelivery(db, endpoint)
      if (delivery === undefined || delivery.next_attempt_at > seconds()) return
      if (!(await renewLease(db, endpoint, owner, leaseSeconds))) return
      const outcome = await attempt(delivery, seconds(), {
        fetch: settings.fetch,
        timeoutMs: settings.timeoutMs,
        stop: stopping.signal,
      })
      if (outcome.delivered) {
        await deleteDelivery(db, delivery.id, holder)
        continue
      }
      // Retries count from the end of the attempt that failed.
      const now = seconds()
      const delay = settings.retryDelaysSeconds[delivery.attempts]
      const details = {
        delivery: delivery.id,
        event: delivery.event,
        url: delivery.url,
        error: outcome.error,
        attempts: delivery.attempts + 1,
      }
      if (delay === undefined) {
        await giveUp(db, holder, delivery.id, { now, error: outcome.error })
        log.error(details, 'webhook delivery given up after its last retry')
      } else {
        await scheduleRetry(db, holder, delivery.id, {
          now,
          error: outcome.error,
          retryAt: now + delay,
        })
        log.warn(
          { ...details, retryAt: now + delay },
          'webhook delivery failed; it will be sent again',
        )
      }
      return
    }
  }

  async function serveEndpoint(endpoint: Endpoint): Promise<void> {
    if (!(await takeLease(db, endpoint, owner, leaseSeconds))) return
    try {
      await drain(endpoint)
    } finally {
      await releaseLease(db, endpoint, owner)
    }
  }

  /** Endpoints this process is serving, by organization and URL. */
  const active = new Map<string, Promise<void>>()

  function failed(error: unknown): void {
    if (stopping.signal.aborted) return
    failures += 1
    log.error({ err: error }, 'delivering webhooks failed; trying again later')
  }

  /** Starts serving the due endpoints not served yet, up to 8 at once; never waits for them. */
  async function tick(): Promise<void> {
    for (const endpoint of await dueEndpoints(db, seconds())) {
      if (active.size >= PARALLEL || stopping.signal.aborted) break
      const key = JSON.stringify([endpoint.organization_id, endpoint.url])
      if (active.has(key)) continue
      const work = serveEndpoint(endpoint)
        .catch(failed)
        .finally(() => active.delete(key))
      active.set(key, work)
    }
    failures = 0
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      round = tick()
        .catch(failed)
        .finally(() => {
          if (stopping.signal.aborted) return
          // After failures, wait twice as long each time, up to 30 s.
          const backoff = settings.pollMs * 2 ** failures
          schedule(Math.min(backoff, Math.max(MAX_BACKOFF_MS, settings.pollMs)))
        })
    }, delayMs)
    timer.unref()
  }

  schedule(settings.pollMs)
  return {
    async stop() {
      stopping.abort(new Error('the server is stopping'))
      clearTimeout(timer)
      await round
      await Promise.all(active.values())
    },
  }
}
