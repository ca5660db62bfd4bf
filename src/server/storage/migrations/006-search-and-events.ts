import type { Dialect } from '../db.js'

/**
 * Indexes for the chat filters people use (status, assignee, department, last update, unread),
 * each led by the organization, and the customer activity events of `POST /v1/events`. The
 * assignee's index holds the status too: "my open chats" is counted from it alone.
 *
 * The unread indexes are partial: they hold only unread chats, the ones an inbox asks for, so a
 * mark-read moves one small entry instead of rewriting a flag index over every chat.
 */
export function searchAndEvents({ autoId, bigint }: Dialect): string {
  return `
CREATE INDEX chats_status ON chats (organization_id, status, created_at);
CREATE INDEX chats_assignee_status ON chats (organization_id, assignee_id, status, created_at);
CREATE INDEX chats_department_in_organization ON chats (organization_id, department_id, created_at);
CREATE INDEX chats_customer_in_organization ON chats (organization_id, customer_id, created_at);
CREATE INDEX chats_updated ON chats (organization_id, updated_at, id);
CREATE INDEX chat_read_states_unread_by_agent ON chat_read_states (organization_id, chat_id)
  WHERE read_by_agent = 0;
CREATE INDEX chat_read_states_unread_by_customer ON chat_read_states (organization_id, chat_id)
  WHERE read_by_customer = 0;

CREATE TABLE events (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id ${bigint} NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at ${bigint} NOT NULL
);
CREATE INDEX events_customer ON events (customer_id, id);
`
}
