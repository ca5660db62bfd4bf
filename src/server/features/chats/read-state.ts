import type { Queryable } from '../../storage/db.js'

/**
 * The read-state rules (decisions section 4), as single statements, so each change of a flag and
 * of its read position is atomic and can never interleave with a new message:
 *
 * - `read: true` sets the side's flag and moves its position to the newest message present when
 *   the statement commits; `read: false` clears the flag and leaves the position where it is (the
 *   side is marked unread; what it has read stays read).
 * - a customer message: agent side unread; customer side read up to it.
 * - an agent chat message: customer side unread; agent side read up to it.
 * - a private note or tech message: both flags as they are; an agent side that was read stays
 *   read, its position moving over the note.
 *
 * Invariant: a side's flag is true only if no message addressed to it lies past its position.
 */

export type Side = 'agent' | 'customer'

const MARK_READ: Record<Side, Record<'true' | 'false', string>> = {
  agent: {
    true: `UPDATE chats SET read_by_agent = 1, agent_read_message_id = last_message_id
           WHERE id = ? AND organization_id = ?`,
    false: 'UPDATE chats SET read_by_agent = 0 WHERE id = ? AND organization_id = ?',
  },
  customer: {
    true: `UPDATE chats SET read_by_customer = 1, customer_read_message_id = last_message_id
           WHERE id = ? AND organization_id = ?`,
    false: 'UPDATE chats SET read_by_customer = 0 WHERE id = ? AND organization_id = ?',
  },
}

/** Marks one side of a chat read or unread; false when the organization has no such chat. */
export async function setReadState(
  db: Queryable,
  organizationId: number,
  chatId: number,
  side: Side,
  read: boolean,
): Promise<boolean> {
  const changed = await db.run(MARK_READ[side][read ? 'true' : 'false'], [chatId, organizationId])
  return changed === 1
}

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

/** A chat's read position per side: the newest message id each side has read, or null. */
export interface ReadPositions {
  readonly agent_read_message_id: number | null
  readonly customer_read_message_id: number | null
}

/** The side a message is addressed to: agents' chat messages go to the customer, all else to the team. */
export function recipientOf(message: { sender: string; type: string }): Side {
  return message.sender === 'agent' && message.type !== 'private' && message.type !== 'tech'
    ? 'customer'
    : 'agent'
}

/** Whether a message's recipient side has read it: derived from that side's position. */
export function isRead(
  message: { id: number; sender: string; type: string },
  positions: ReadPositions,
): boolean {
  const position =
    recipientOf(message) === 'customer'
      ? positions.customer_read_message_id
      : positions.agent_read_message_id
  return position !== null && message.id <= position
}
