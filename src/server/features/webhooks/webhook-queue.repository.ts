import type { Queryable } from '../../storage/db.js'

/**
 * The delivery queue (migration 007): rows the read-change triggers insert, one per webhook per
 * event. Deliveries to one endpoint (an organization's URL, whatever the event types of its
 * webhooks) go out one at a time in the order they were queued, so a receiver sees a chat's read
 * and unread in the order they happened. An endpoint is served by whoever holds the lease of its
 * lead webhook (its lowest id): one process among several on one PostgreSQL.
 */

/** An endpoint with deliveries waiting, by its lead webhook. */
export interface Endpoint {
  lead: number
  organization_id: number
  url: string
}
/** One delivery, with what sending it needs. */
export interface DeliveryRow {
  id: number
  event_id: string
  event_data: string
  created_at: number
  attempts: number
  next_attempt_at: number
  event: string
  url: string
  signing_key: string | null
}

/** Endpoints with something left to deliver, in the order of their lead webhooks. */
export function endpointsWithWork(db: Queryable) {
  return db.all<Endpoint>(
    `SELECT MIN(w.id) AS lead, w.organization_id, w.url FROM webhooks w
     WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.failed_at IS NULL)
     GROUP BY w.organization_id, w.url
     ORDER BY lead`,
  )
}

/** Takes the lease of a webhook until `until`; false when another holder's lease is live. */
export async function leaseWebhook(
  db: Queryable,
  webhookId: number,
  now: number,
  until: number,
): Promise<boolean> {
  const changed = await db.run(
    'UPDATE webhooks SET lease_until = ? WHERE id = ? AND (lease_until IS NULL OR lease_until < ?)',
    [until, webhookId, now],
  )
  return changed === 1
}

/** Moves the end of a lease this holder took. */
export function renewLease(db: Queryable, webhookId: number, until: number) {
  return db.run('UPDATE webhooks SET lease_until = ? WHERE id = ?', [until, webhookId])
}

/** Ends a lease, so that the next round (of any process) may take the webhook. */
export function releaseWebhook(db: Queryable, webhookId: number) {
  return db.run('UPDATE webhooks SET lease_until = NULL WHERE id = ?', [webhookId])
}

/** The endpoint's oldest delivery not given up on, if any. */
export function nextDelivery(db: Queryable, endpoint: Endpoint) {
  return db.get<DeliveryRow>(
    `SELECT d.id, d.event_id, d.event_data, d.created_at, d.attempts, d.next_attempt_at,
       w.event, w.url, o.webhook_signing_key AS signing_key
     FROM webhooks w
       JOIN webhook_deliveries d ON d.webhook_id = w.id
       JOIN organizations o ON o.id = w.organization_id
     WHERE w.organization_id = ? AND w.url = ? AND d.failed_at IS NULL
     ORDER BY d.id LIMIT 1`,
    [endpoint.organization_id, endpoint.url],
  )
}

/** A delivery the receiver took: nothing is kept of it. */
export function deleteDelivery(db: Queryable, id: number) {
  return db.run('DELETE FROM webhook_deliveries WHERE id = ?', [id])
}

/**
 * A failed attempt at `now`: tried again at `retryAt`, or given up on when `retryAt` is null
 * (kept, with its error, for `opencrunch webhooks list`).
 */
export function recordFailure(
  db: Queryable,
  id: number,
  now: number,
  error: string,
  retryAt: number | null,
) {
  return db.run(
    `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?,
       next_attempt_at = COALESCE(CAST(? AS BIGINT), next_attempt_at), failed_at = CASE WHEN CAST(? AS BIGINT) IS NULL THEN CAST(? AS BIGINT) END
     WHERE id = ?`,
    [now, error, retryAt, retryAt, now, id],
  )
}
