import type { Queryable } from '../../storage/db.js'
import { perDialect } from '../../storage/per-dialect.js'
import { chatJson } from './chat-json.js'
import type { ChatJson } from './chats.repository.js'

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
 * Flags, positions and the id of the newest message share one narrow row per chat
 * (`chat_read_states`), so each rule is one statement on one row. The message rules are applied
 * by `recordMessage` (message-effects.ts) in the transaction that inserts the message.
 *
 * Invariant: a side's flag is true only if no message addressed to it lies past its position.
 */

export type Side = 'agent' | 'customer'

const WHERE_CHAT = 'WHERE chat_id = ? AND organization_id = ?'

/** Read state lives in `chat_read_states`, one narrow row per chat (migration 4). */
const MARK_READ: Record<Side, Record<'true' | 'false', string>> = {
  agent: {
    true: `UPDATE chat_read_states SET read_by_agent = 1, agent_read_message_id = last_message_id
           ${WHERE_CHAT}`,
    false: `UPDATE chat_read_states SET read_by_agent = 0 ${WHERE_CHAT}`,
  },
  customer: {
    true: `UPDATE chat_read_states SET read_by_customer = 1,
             customer_read_message_id = last_message_id
           ${WHERE_CHAT}`,
    false: `UPDATE chat_read_states SET read_by_customer = 0 ${WHERE_CHAT}`,
  },
}

const RETURNING_CHAT = perDialect((dialect) => {
  // The updated read-state row, with its chat: a subquery that sees the new flags.
  const chat = `(SELECT ${chatJson(dialect, 'c', 'chat_read_states', 'read-article')}
    FROM chats c WHERE c.id = chat_read_states.chat_id)`
  const returning = (sql: string) => `${sql} RETURNING ${chat} AS chat`
  return {
    agent: { true: returning(MARK_READ.agent.true), false: returning(MARK_READ.agent.false) },
    customer: {
      true: returning(MARK_READ.customer.true),
      false: returning(MARK_READ.customer.false),
    },
  }
})

/**
 * Marks one side of a chat read or unread and answers the chat as stored by that very statement,
 * in the read article's field order: one atomic statement, nothing else can come in between.
 * `undefined` when the organization has no such chat.
 */
export async function markReadReturningChat(
  db: Queryable,
  organizationId: number,
  chatId: number,
  side: Side,
  read: boolean,
): Promise<ChatJson | undefined> {
  const sql = RETURNING_CHAT(db.dialect)[side][read ? 'true' : 'false']
  const row = await db.get<{ chat: ChatJson }>(sql, [chatId, organizationId])
  return row?.chat
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
