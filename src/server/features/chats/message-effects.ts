import type { Queryable } from '../../storage/db.js'

/**
 * What a new message does to its chat, inside the transaction that inserted it (which holds the
 * chat's lock): one statement on the chat row for the `lastMessage*` fields,
 * `lastCustomerMessageAt`, `lastCommunicatedAgentId` and the status, one on its read-state row for
 * the newest message id and the read flags and positions (rules in read-state.ts), and for an
 * agent's message the list of agents who wrote.
 */

/** Who wrote a message, as the read rules see it. */
export type MessageKind = 'customer' | 'agent' | 'note'

export interface RecordedMessage {
  readonly id: number
  readonly chatId: number
  readonly kind: MessageKind
  readonly agentId: number | null
  readonly text: string
  readonly createdAt: number
}

/**
 * Status follows HelpCrunch's inbox: an empty chat becomes `new` with its first customer
 * message; a customer message reopens a `pending` or `onhold` chat (and a `closed` or
 * `no communication` one, clearing who closed it and when); the first agent reply opens a chat.
 */
const CUSTOMER_MESSAGE_ON_CHAT = `
UPDATE chats SET
  status = CASE
    WHEN status = 'empty' THEN 'new'
    WHEN status IN ('pending', 'onhold') THEN 'opened'
    WHEN status IN ('closed', 'no communication') THEN
      CASE WHEN last_communicated_agent_id IS NULL THEN 'new' ELSE 'opened' END
    ELSE status END,
  closed_at = CASE WHEN status = 'closed' THEN NULL ELSE closed_at END,
  closed_by = CASE WHEN status = 'closed' THEN NULL ELSE closed_by END,
  last_message_at = ?, last_message_text = ?, last_customer_message_at = ?, updated_at = ?
WHERE id = ?`

/** The agent side has a message to read; the customer, having written it, has read all. */
const CUSTOMER_MESSAGE_ON_READ_STATE = `
UPDATE chat_read_states SET
  last_message_id = ?, read_by_agent = 0, read_by_customer = 1, customer_read_message_id = ?
WHERE chat_id = ?`

const AGENT_MESSAGE_ON_CHAT = `
UPDATE chats SET
  status = CASE WHEN status IN ('empty', 'new') THEN 'opened' ELSE status END,
  last_message_at = ?, last_message_text = ?, last_communicated_agent_id = ?, updated_at = ?
WHERE id = ?`

/** The customer side has a message to read; answering means having read the customer. */
const AGENT_MESSAGE_ON_READ_STATE = `
UPDATE chat_read_states SET
  last_message_id = ?, read_by_agent = 1, agent_read_message_id = ?, read_by_customer = 0
WHERE chat_id = ?`

const NOTE_ON_CHAT = `
UPDATE chats SET last_message_at = ?, last_message_text = ?, updated_at = ? WHERE id = ?`

/** A note changes no flag; an agent side that was read stays read, its position moving on. */
const NOTE_ON_READ_STATE = `
UPDATE chat_read_states SET
  last_message_id = ?,
  agent_read_message_id = CASE WHEN read_by_agent = 1 THEN ? ELSE agent_read_message_id END
WHERE chat_id = ?`

const ADD_CHAT_AGENT = `
INSERT INTO chat_agents (chat_id, agent_id, first_message_id) VALUES (?, ?, ?)
ON CONFLICT (chat_id, agent_id) DO NOTHING`

/** Brings a chat's derived fields and read state up to a message just inserted. */
export async function recordMessage(db: Queryable, message: RecordedMessage): Promise<void> {
  const { id, chatId, text, createdAt } = message
  switch (message.kind) {
    case 'customer':
      await db.run(CUSTOMER_MESSAGE_ON_CHAT, [createdAt, text, createdAt, createdAt, chatId])
      await db.run(CUSTOMER_MESSAGE_ON_READ_STATE, [id, id, chatId])
      return
    case 'agent':
      await db.run(AGENT_MESSAGE_ON_CHAT, [createdAt, text, message.agentId, createdAt, chatId])
      await db.run(AGENT_MESSAGE_ON_READ_STATE, [id, id, chatId])
      await db.run(ADD_CHAT_AGENT, [chatId, message.agentId, id])
      return
    case 'note':
      await db.run(NOTE_ON_CHAT, [createdAt, text, createdAt, chatId])
      await db.run(NOTE_ON_READ_STATE, [id, id, chatId])
      return
  }
}
