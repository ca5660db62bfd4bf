import type { Db } from '../../storage/db.js'
import { attempt } from './webhook-delivery.js'
import {
  deleteDelivery,
  endpointsWithWork,
  leaseWebhook,
  nextDelivery,
  recordFailure,
  releaseWebhook,
  renewLease,
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

/** Deliveries sent to one endpoint in a row before the others get their turn. */
const BATCH = 100

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
 * after it until it is delivered or given up on. An endpoint is leased while it is served, so
 * that several processes on one database never send the same delivery twice at once. Delivery is at least once: a receiver may see an event again (the same `id`)
 * when a process stops between the receiver's answer and the queue's update.
 */
export function startWebhookDispatcher(
  db: Db,
  settings: WebhookSettings,
  log: WebhookLogger,
): WebhookDispatcher {
  const stopping = new AbortController()
  // Long enough for a whole attempt; renewed before each.
  const leaseSeconds = Math.ceil(settings.timeoutMs / 1000) + 30
  let timer: NodeJS.Timeout | undefined
  let round: Promise<void> = Promise.resolve()

  async function drain(endpoint: Endpoint): Promise<void> {
    for (let sent = 0; sent < BATCH && !stopping.signal.aborted; sent++) {
      const delivery = await nextDelivery(db, endpoint)
      const now = seconds()
      if (delivery === undefined || delivery.next_attempt_at > now) return
      await renewLease(db, endpoint.lead, now + leaseSeconds)
      const outcome = await attempt(delivery, now, {
        fetch: settings.fetch,
        timeoutMs: settings.timeoutMs,
        stop: stopping.signal,
      })
      if (outcome.delivered) {
        await deleteDelivery(db, delivery.id)
        continue
      }
      const delay = settings.retryDelaysSeconds[delivery.attempts]
      const retryAt = delay === undefined ? null : now + delay
      await recordFailure(db, delivery.id, now, outcome.error, retryAt)
      const details = {
        delivery: delivery.id,
        event: delivery.event,
        url: delivery.url,
        error: outcome.error,
        attempts: delivery.attempts + 1,
      }
      if (retryAt === null) log.error(details, 'webhook delivery given up after its last retry')
      else log.warn({ ...details, retryAt }, 'webhook delivery failed; it will be sent again')
      return
    }
  }

  async function serve(): Promise<void> {
    for (const endpoint of await endpointsWithWork(db)) {
      if (stopping.signal.aborted) return
      const now = seconds()
      if (!(await leaseWebhook(db, endpoint.lead, now, now + leaseSeconds))) continue
      try {
        await drain(endpoint)
      } finally {
        await releaseWebhook(db, endpoint.lead)
      }
    }
  }

  function schedule(): void {
    timer = setTimeout(() => {
      round = serve()
        .catch((error: unknown) => {
          if (!stopping.signal.aborted) log.error({ err: error }, 'delivering webhooks failed')
        })
        .finally(() => {
          if (!stopping.signal.aborted) schedule()
        })
    }, settings.pollMs)
    timer.unref()
  }

  schedule()
  return {
    async stop() {
      stopping.abort(new Error('the server is stopping'))
      clearTimeout(timer)
      await round
    },
  }
}
