import type { Dialect } from '../db.js'

/**
 * Read state moves out of the chat row into a narrow row of its own. It is what changes on every
 * mark-read, on chats spread all over the table: updating a wide chat row rewrote one page of the
 * chat table per mark-read, and checkpoints then had to write those pages all over a large file.
 * Narrow rows pack ~150 chats to a page, so the same updates touch a few megabytes, and on
 * PostgreSQL an update rewrites a small tuple instead of the whole chat. `last_message_id` moves
 * too: mark-read sets a position to it, which must happen in the same row to be atomic.
 */
export function chatReadStates({ bigint }: Dialect): string {
  return `
CREATE TABLE chat_read_states (
  chat_id ${bigint} PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
  organization_id ${bigint} NOT NULL,
  last_message_id ${bigint},
  read_by_agent INTEGER NOT NULL DEFAULT 1,
  read_by_customer INTEGER NOT NULL DEFAULT 1,
  agent_read_message_id ${bigint},
  customer_read_message_id ${bigint}
);
INSERT INTO chat_read_states (chat_id, organization_id, last_message_id, read_by_agent,
  read_by_customer, agent_read_message_id, customer_read_message_id)
SELECT id, organization_id, last_message_id, read_by_agent, read_by_customer,
  agent_read_message_id, customer_read_message_id
FROM chats;
ALTER TABLE chats DROP COLUMN last_message_id;
ALTER TABLE chats DROP COLUMN read_by_agent;
ALTER TABLE chats DROP COLUMN read_by_customer;
ALTER TABLE chats DROP COLUMN agent_read_message_id;
ALTER TABLE chats DROP COLUMN customer_read_message_id;
`
}
