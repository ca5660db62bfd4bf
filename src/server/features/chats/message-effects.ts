import type { Queryable } from '../../storage/db.js'

/**
 * What a new message does to its chat, in one statement per kind of message, inside the
 * transaction that inserted it: the `lastMessage*` fields, `lastCustomerMessageAt`,
 * `lastCommunicatedAgentId`, the list of agents who wrote, the status, and the read flags and
 * positions by the rules in read-state.ts.
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
const RECORD_CUSTOMER_MESSAGE = `
UPDATE chats SET
  status = CASE
    WHEN status = 'empty' THEN 'new'
    WHEN status IN ('pending', 'onhold') THEN 'opened'
    WHEN status IN ('closed', 'no communication') THEN
      CASE WHEN last_communicated_agent_id IS NULL THEN 'new' ELSE 'opened' END
    ELSE status END,
  closed_at = CASE WHEN status = 'closed' THEN NULL ELSE closed_at END,
  closed_by = CASE WHEN status = 'closed' THEN NULL ELSE closed_by END,
  last_message_id = ?, last_message_at = ?, last_message_text = ?, last_customer_message_at = ?,
  read_by_agent = 0, read_by_customer = 1, customer_read_message_id = ?,
  updated_at = ?
WHERE id = ?`

const RECORD_AGENT_MESSAGE = `
UPDATE chats SET
  status = CASE WHEN status IN ('empty', 'new') THEN 'opened' ELSE status END,
  last_message_id = ?, last_message_at = ?, last_message_text = ?,
  last_communicated_agent_id = ?,
  read_by_agent = 1, agent_read_message_id = ?, read_by_customer = 0,
  updated_at = ?
WHERE id = ?`

const RECORD_NOTE = `
UPDATE chats SET
  last_message_id = ?, last_message_at = ?, last_message_text = ?,
  agent_read_message_id = CASE WHEN read_by_agent = 1 THEN ? ELSE agent_read_message_id END,
  updated_at = ?
WHERE id = ?`

const ADD_CHAT_AGENT = `
INSERT INTO chat_agents (chat_id, agent_id, first_message_id) VALUES (?, ?, ?)
ON CONFLICT (chat_id, agent_id) DO NOTHING`

/**
 * Brings a chat's derived fields and read state up to a message just inserted, in the same
 * transaction as the insert (the caller holds the chat's lock).
 */
export async function recordMessage(db: Queryable, message: RecordedMessage): Promise<void> {
  const { id, chatId, text, createdAt } = message
  switch (message.kind) {
    case 'customer':
      await db.run(RECORD_CUSTOMER_MESSAGE, [id, createdAt, text, createdAt, id, createdAt, chatId])
      return
    case 'agent':
      await db.run(RECORD_AGENT_MESSAGE, [
        id,
        createdAt,
        text,
        message.agentId,
        id,
        createdAt,
        chatId,
      ])
      await db.run(ADD_CHAT_AGENT, [chatId, message.agentId, id])
      return
    case 'note':
      await db.run(RECORD_NOTE, [id, createdAt, text, id, createdAt, chatId])
      return
  }
}
