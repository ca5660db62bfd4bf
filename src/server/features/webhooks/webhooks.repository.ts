import type { Queryable } from '../../storage/db.js'

/** An organization's webhook: one event type, one URL (HelpCrunch's "Event Type" and URL). */
export interface WebhookRow {
  id: number
  organization_id: number
  event: string
  url: string
  created_at: number
}

export interface WebhookListRow extends WebhookRow {
  domain: string
  /** Deliveries waiting to be sent, or sent again. */
  pending: number
  /** Deliveries given up on after the last retry. */
  failed: number
  /** Why the last failed attempt failed, when one did. */
  last_error: string | null
}

export async function insertWebhook(
  db: Queryable,
  webhook: { organizationId: number; event: string; url: string; createdAt: number },
): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO webhooks (id, organization_id, event, url, created_at)
     VALUES (${db.dialect.newId('webhooks')}, ?, ?, ?, ?) RETURNING id`,
    [null, webhook.organizationId, webhook.event, webhook.url, webhook.createdAt],
  )
  return row!.id
}

/** The organization's webhook sending `event` to `url`, if it has one. */
export function findWebhook(db: Queryable, organizationId: number, event: string, url: string) {
  return db.get<{ id: number }>(
    'SELECT id FROM webhooks WHERE organization_id = ? AND event = ? AND url = ?',
    [organizationId, event, url],
  )
}

/** Every webhook, or one organization's, with its queue's state; in id order. */
export function listWebhooks(db: Queryable, organizationId: number | null) {
  return db.all<WebhookListRow>(
    `SELECT w.id, w.organization_id, w.event, w.url, w.created_at, o.domain,
       (SELECT count(*) FROM webhook_deliveries d
         WHERE d.webhook_id = w.id AND d.failed_at IS NULL) AS pending,
       (SELECT count(*) FROM webhook_deliveries d
         WHERE d.webhook_id = w.id AND d.failed_at IS NOT NULL) AS failed,
       (SELECT d.last_error FROM webhook_deliveries d
         WHERE d.webhook_id = w.id AND d.last_error IS NOT NULL
         ORDER BY d.last_attempt_at DESC, d.id DESC LIMIT 1) AS last_error
     FROM webhooks w JOIN organizations o ON o.id = w.organization_id
     WHERE CAST(? AS BIGINT) IS NULL OR w.organization_id = ?
     ORDER BY w.id`,
    [organizationId, organizationId],
  )
}

/** Removes a webhook and what it had still to deliver; the number of webhooks removed. */
export function deleteWebhook(db: Queryable, id: number): Promise<number> {
  return db.run('DELETE FROM webhooks WHERE id = ?', [id])
}

export async function findSigningKey(db: Queryable, organizationId: number) {
  const row = await db.get<{ key: string | null }>(
    'SELECT webhook_signing_key AS key FROM organizations WHERE id = ?',
    [organizationId],
  )
  return row?.key ?? null
}

export function setSigningKey(db: Queryable, organizationId: number, key: string) {
  return db.run('UPDATE organizations SET webhook_signing_key = ? WHERE id = ?', [
    key,
    organizationId,
  ])
}
