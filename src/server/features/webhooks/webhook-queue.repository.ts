import type { Queryable } from '../../storage/db.js'
import { perDialect } from '../../storage/per-dialect.js'

/**
 * The delivery queue (migration 007): rows the read-change trigger inserts, one per webhook per
 * event. Deliveries to one endpoint (an organization's URL, whatever the event types of its
 * webhooks) go out one at a time in the order they were queued, so a receiver sees a chat's read
 * and unread in the order they happened. Only the endpoint's oldest delivery is ever attempted,
 * so only it can be waiting for a retry. An endpoint is served by the holder of its lease: one
 * process among several on one PostgreSQL. Leases are timed by the database's clock.
 */

/** An organization's URL, which its webhooks' deliveries go to one at a time. */
export interface Endpoint {
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

/**
 * Endpoints whose oldest delivery is due at `now`, the longest waiting first. Each webhook's
 * oldest delivery is one lookup in the queue's index, however long the queue; only an endpoint's
 * oldest can be waiting for a retry, so an endpoint is due when none of its webhooks' oldest is.
 */
export function dueEndpoints(db: Queryable, now: number) {
  const oldest = (column: string) =>
    `(SELECT d.${column} FROM webhook_deliveries d
      WHERE d.webhook_id = w.id AND d.failed_at IS NULL ORDER BY d.id LIMIT 1)`
  return db.all<Endpoint>(
    `SELECT organization_id, url
     FROM (SELECT w.organization_id, w.url, ${oldest('id')} AS first,
             ${oldest('next_attempt_at')} AS due
           FROM webhooks w) heads
     GROUP BY organization_id, url
     HAVING MAX(due) <= ?
     ORDER BY MIN(first)`,
    [now],
  )
}

const LEASES = perDialect(({ nowSeconds }) => ({
  take: `INSERT INTO webhook_leases (organization_id, url, owner, until)
    VALUES (?, ?, ?, ${nowSeconds} + ?)
    ON CONFLICT (organization_id, url) DO UPDATE SET owner = excluded.owner, until = excluded.until
    WHERE webhook_leases.until < ${nowSeconds}
    RETURNING owner`,
  renew: `UPDATE webhook_leases SET until = ${nowSeconds} + ?
    WHERE organization_id = ? AND url = ? AND owner = ?`,
  release: 'DELETE FROM webhook_leases WHERE organization_id = ? AND url = ? AND owner = ?',
}))

/** Takes the endpoint's lease for `owner`, for `seconds`; false while another holds it. */
export async function takeLease(db: Queryable, endpoint: Endpoint, owner: string, seconds: number) {
  const taken = await db.get(LEASES(db.dialect).take, [
    endpoint.organization_id,
    endpoint.url,
    owner,
    seconds,
  ])
  return taken !== undefined
}

/** Extends a lease `owner` holds by `seconds` from now; false when it has lost it. */
export async function renewLease(
  db: Queryable,
  endpoint: Endpoint,
  owner: string,
  seconds: number,
) {
  const renewed = await db.run(LEASES(db.dialect).renew, [
    seconds,
    endpoint.organization_id,
    endpoint.url,
    owner,
  ])
  return renewed === 1
}

/** Gives up a lease `owner` holds, so that the next round (of any process) may take it. */
export function releaseLease(db: Queryable, endpoint: Endpoint, owner: string) {
  return db.run(LEASES(db.dialect).release, [endpoint.organization_id, endpoint.url, owner])
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

/**
 * What the holder of an endpoint's lease may write of a delivery: nothing once another process
 * has taken the lease (this one stalled past its end), which serves the delivery itself.
 */
const WHILE_LEASED = `id = ? AND EXISTS (SELECT 1 FROM webhook_leases l
  WHERE l.organization_id = ? AND l.url = ? AND l.owner = ?)`

/** Who writes a delivery's outcome: the lease holder, for that endpoint. */
export interface Holder {
  readonly endpoint: Endpoint
  readonly owner: string
}

const held = (id: number, { endpoint, owner }: Holder) => [
  id,
  endpoint.organization_id,
  endpoint.url,
  owner,
]

/** A delivery the receiver took: nothing is kept of it. */
export function deleteDelivery(db: Queryable, id: number, holder: Holder) {
  return db.run(`DELETE FROM webhook_deliveries WHERE ${WHILE_LEASED}`, held(id, holder))
}

/** A failed attempt at `now`, to be made again at `retryAt`. */
export function scheduleRetry(
  db: Queryable,
  holder: Holder,
  id: number,
  failure: { now: number; error: string; retryAt: number },
) {
  return db.run(
    `UPDATE webhook_deliveries
     SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?, next_attempt_at = ?
     WHERE ${WHILE_LEASED}`,
    [failure.now, failure.error, failure.retryAt, ...held(id, holder)],
  )
}

/** A failed last attempt at `now`: kept, with its error, for `opencrunch webhooks list`. */
export function giveUp(
  db: Queryable,
  holder: Holder,
  id: number,
  failure: { now: number; error: string },
) {
  return db.run(
    `UPDATE webhook_deliveries
     SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?, failed_at = ?
     WHERE ${WHILE_LEASED}`,
    [failure.now, failure.error, failure.now, ...held(id, holder)],
  )
}
