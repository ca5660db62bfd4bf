import type { Dialect } from '../db.js'

/**
 * Webhooks for read changes (decisions section 4, extensions): an organization's webhooks, each
 * one event type and one URL as HelpCrunch configures them, its signing key, a queue of
 * deliveries, and the leases that say which process sends to an endpoint.
 *
 * A trigger on `chat_read_states` queues a delivery for every webhook of the event whenever a
 * side's flag changes, whatever changed it (a mark-read, a message, a snooze ending), inside the
 * statement that changed it: an event is queued exactly when its change commits, and is not lost
 * if the process dies right after. With no webhook for the event the trigger inserts nothing.
 * The server delivers the queue (features/webhooks) and deletes what was delivered.
 */
export function webhooks(dialect: Dialect): string {
  const { autoId, bigint, json } = dialect
  const readEvent = (side: 'agent' | 'customer') => {
    const flag = `NEW.read_by_${side}`
    return `INSERT INTO webhook_deliveries (webhook_id, event_id, event_data, created_at)
  SELECT w.id, ${dialect.randomUuid}, CAST(${json.object([
    ['chatId', 'NEW.chat_id'],
    ['side', `'${side}'`],
    ['read', json.boolean(flag)],
    ['readUpToMessageId', `NEW.${side}_read_message_id`],
    ['lastMessageId', 'NEW.last_message_id'],
  ])} AS TEXT), ${dialect.nowSeconds}
  FROM webhooks w
  WHERE ${flag} <> OLD.read_by_${side} AND w.organization_id = NEW.organization_id
    AND w.event = CASE WHEN ${flag} = 1 THEN 'chat.read_by_${side}' ELSE 'chat.unread_by_${side}' END`
  }
  // One trigger for both sides, so that a change of both (a message) queues the agent side's
  // event first on either engine.
  const trigger = dialect.afterUpdateTrigger(
    'read_events',
    'chat_read_states',
    ['read_by_agent', 'read_by_customer'],
    'NEW.read_by_agent <> OLD.read_by_agent OR NEW.read_by_customer <> OLD.read_by_customer',
    [readEvent('agent'), readEvent('customer')],
  )
  return `
ALTER TABLE organizations ADD COLUMN webhook_signing_key TEXT;

CREATE TABLE webhooks (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  created_at ${bigint} NOT NULL
);
CREATE UNIQUE INDEX webhooks_event ON webhooks (organization_id, event, url);

-- Who sends to an endpoint (an organization's URL) now: one process at a time, so that its
-- deliveries go out one by one, in order.
CREATE TABLE webhook_leases (
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  owner TEXT NOT NULL,
  until ${bigint} NOT NULL,
  PRIMARY KEY (organization_id, url)
);

CREATE TABLE webhook_deliveries (
  id ${autoId},
  webhook_id ${bigint} NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  event_data TEXT NOT NULL,
  created_at ${bigint} NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at ${bigint},
  next_attempt_at ${bigint} NOT NULL DEFAULT 0,
  failed_at ${bigint},
  last_error TEXT
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, id) WHERE failed_at IS NULL;
${trigger}
`
}
