import type { Dialect } from '../db.js'

/**
 * The first schema: organizations and their API keys, the team, customers, chats and messages.
 *
 * Read state lives on the chat: a flag per side (`read_by_agent`, `read_by_customer`) and a read
 * position per side (the id of the newest message that side has read). Each message's `read` is
 * derived from the position of the side it is addressed to, never stored.
 */
export function initialSchema({ autoId, bigint }: Dialect): string {
  return `
CREATE TABLE organizations (
  id ${autoId},
  domain TEXT NOT NULL UNIQUE,
  team_online INTEGER NOT NULL DEFAULT 1,
  chat_enabled INTEGER NOT NULL DEFAULT 1,
  created_at ${bigint} NOT NULL
);

CREATE TABLE api_keys (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE,
  key_hint TEXT NOT NULL,
  created_at ${bigint} NOT NULL,
  revoked_at ${bigint}
);
CREATE INDEX api_keys_organization ON api_keys (organization_id);

CREATE TABLE applications (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  display_name TEXT NOT NULL,
  type TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX applications_organization ON applications (organization_id, id);

CREATE TABLE agents (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  newsletter_subscribed INTEGER NOT NULL DEFAULT 1,
  UNIQUE (organization_id, email)
);

CREATE TABLE departments (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  UNIQUE (organization_id, name)
);

CREATE TABLE department_agents (
  department_id ${bigint} NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
  agent_id ${bigint} NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (department_id, agent_id)
);
CREATE INDEX department_agents_agent ON department_agents (agent_id);

CREATE TABLE customers (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT,
  email TEXT,
  user_id TEXT,
  company TEXT,
  phone TEXT,
  first_seen ${bigint},
  last_seen ${bigint},
  city TEXT,
  region_code TEXT,
  country_code TEXT,
  device TEXT,
  unsubscribed INTEGER NOT NULL DEFAULT 0,
  blocked INTEGER NOT NULL DEFAULT 0,
  source TEXT,
  referer TEXT,
  last_page TEXT,
  locale TEXT,
  created_from TEXT,
  integration_id TEXT,
  notes TEXT,
  custom_data TEXT NOT NULL DEFAULT '{}',
  created_at ${bigint} NOT NULL,
  updated_at ${bigint} NOT NULL
);
CREATE INDEX customers_organization ON customers (organization_id, id);
CREATE UNIQUE INDEX customers_user_id ON customers (organization_id, user_id);
CREATE INDEX customers_email ON customers (organization_id, email);
CREATE INDEX customers_first_seen ON customers (organization_id, first_seen, id);
CREATE INDEX customers_last_seen ON customers (organization_id, last_seen, id);

CREATE TABLE tags (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  color TEXT NOT NULL,
  UNIQUE (organization_id, name)
);

CREATE TABLE customer_tags (
  customer_id ${bigint} NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  tag_id ${bigint} NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (customer_id, tag_id)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag_id);

CREATE TABLE chats (
  id ${autoId},
  organization_id ${bigint} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id ${bigint} NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  application_id ${bigint} REFERENCES applications(id) ON DELETE SET NULL,
  assignee_id ${bigint} REFERENCES agents(id) ON DELETE SET NULL,
  department_id ${bigint} REFERENCES departments(id) ON DELETE SET NULL,
  status TEXT NOT NULL,
  created_with TEXT,
  created_at ${bigint} NOT NULL,
  updated_at ${bigint} NOT NULL,
  closed_at ${bigint},
  closed_by TEXT,
  rating TEXT,
  snoozed_until ${bigint},
  last_message_id ${bigint},
  last_message_at ${bigint},
  last_message_text TEXT,
  last_customer_message_at ${bigint},
  last_communicated_agent_id ${bigint} REFERENCES agents(id) ON DELETE SET NULL,
  read_by_agent INTEGER NOT NULL DEFAULT 1,
  read_by_customer INTEGER NOT NULL DEFAULT 1,
  agent_read_message_id ${bigint},
  customer_read_message_id ${bigint}
);
CREATE INDEX chats_created ON chats (organization_id, created_at, id);
CREATE INDEX chats_last_message ON chats (organization_id, last_message_at, id);
CREATE INDEX chats_last_customer_message ON chats (organization_id, last_customer_message_at, id);
CREATE INDEX chats_closed ON chats (organization_id, closed_at, id);
CREATE INDEX chats_customer ON chats (customer_id);
CREATE INDEX chats_assignee ON chats (assignee_id);
CREATE INDEX chats_department ON chats (department_id);
CREATE INDEX chats_application ON chats (application_id);
CREATE INDEX chats_last_communicated_agent ON chats (last_communicated_agent_id);

CREATE TABLE chat_agents (
  chat_id ${bigint} NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  agent_id ${bigint} NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  first_message_id ${bigint} NOT NULL,
  PRIMARY KEY (chat_id, agent_id)
);
CREATE INDEX chat_agents_agent ON chat_agents (agent_id);

CREATE TABLE messages (
  id ${autoId},
  chat_id ${bigint} NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  agent_id ${bigint} REFERENCES agents(id) ON DELETE SET NULL,
  sender TEXT NOT NULL,
  type TEXT NOT NULL,
  text TEXT,
  created_at ${bigint} NOT NULL,
  updated_at ${bigint},
  edited INTEGER NOT NULL DEFAULT 0,
  broadcast_type TEXT
);
CREATE INDEX messages_chat ON messages (chat_id, id);
CREATE INDEX messages_agent ON messages (agent_id);
`
}
