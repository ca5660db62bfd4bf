import type { Queryable, SqlQuery } from '../../storage/db.js'
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

/** A side's columns in `chat_read_states`. */
export const SIDE_COLUMNS: Record<Side, { readonly flag: string; readonly position: string }> = {
  agent: { flag: 'read_by_agent', position: 'agent_read_message_id' },
  customer: { flag: 'read_by_customer', position: 'customer_read_message_id' },
}

/**
 * SQL: whether message row `alias` makes `side` unread when it arrives (the rules above):
 * customer messages for the agents, agents' chat messages for the customer. Notes and tech
 * messages make neither side unread.
 */
export function addressedTo(side: Side, alias: string): string {
  return side === 'agent'
    ? `${alias}.sender = 'customer'`
    : `${alias}.sender = 'agent' AND ${alias}.type = 'message'`
}

/** One SQL text per side and per mark. */
type PerMark = Record<Side, Record<'true' | 'false', string>>

/** A `PerMark` of what `make` writes for each side's columns and each mark. */
function perMark(
  make: (columns: (typeof SIDE_COLUMNS)[Side], read: boolean, side: Side) => string,
) {
  const marks = (side: Side) => ({
    true: make(SIDE_COLUMNS[side], true, side),
    false: make(SIDE_COLUMNS[side], false, side),
  })
  return { agent: marks('agent'), customer: marks('customer') } satisfies PerMark
}

/** Read state lives in `chat_read_states`, one narrow row per chat (migration 4). */
const MARK_READ: PerMark = perMark(({ flag, position }, read) =>
  read
    ? `UPDATE chat_read_states SET ${flag} = 1, ${position} = last_message_id ${WHERE_CHAT}`
    : `UPDATE chat_read_states SET ${flag} = 0 ${WHERE_CHAT}`,
)

/**
 * Whether a mark would change a read-state row: its flag differs, or, for `read: true`, its
 * position lags the newest message. A mark that changes nothing (an agent opening a chat already
 * read, the commonest call an inbox makes) matches no row, so it writes nothing: no WAL frame, no
 * index entry moved, nothing to checkpoint.
 */
const WOULD_CHANGE: PerMark = perMark(({ flag, position }, read) =>
  read ? `(${flag} = 0 OR ${position} IS DISTINCT FROM last_message_id)` : `${flag} = 1`,
)

const STATEMENTS = perDialect((dialect) => {
  const json = chatJson(dialect, 'c', 'chat_read_states', 'read-article')
  const mark = (read: boolean) => (read ? 'true' : 'false')
  return {
    // The chat as it stands, only when the mark would change nothing: the chat's JSON is built
    // once, by this read or by the change that returns it.
    current: perMark(
      (_, read, side) => `SELECT ${json} AS chat
        FROM chat_read_states JOIN chats c ON c.id = chat_read_states.chat_id
        WHERE chat_read_states.chat_id = ? AND chat_read_states.organization_id = ?
          AND NOT ${WOULD_CHANGE[side][mark(read)]}`,
    ),
    // The change, on a row it still changes; the updated row's chat, built by a subquery that
    // sees the new flags.
    change: perMark(
      (_, read, side) => `${MARK_READ[side][mark(read)]} AND ${WOULD_CHANGE[side][mark(read)]}
        RETURNING (SELECT ${json} FROM chats c WHERE c.id = chat_read_states.chat_id) AS chat`,
    ),
    // Neither answered: the chat exists (another writer changed it in between) or it does not.
    exists: `SELECT NULL AS chat FROM chat_read_states ${WHERE_CHAT}`,
  }
})

/**
 * Marks one side of a chat read or unread and answers the chat as stored after it, in the read
 * article's field order. The chat is read first: a mark that would change nothing (the commonest
 * call) ends there, one read and no write. Otherwise one atomic statement makes the change and
 * returns the chat it wrote; should another writer have changed the row in between, so that the
 * change no longer applies, the chat is read again. Either way the answer shows the mark in
 * effect. `undefined` when the organization has no such chat. The statements go as one
 * `firstRow`: one round trip for the request on the embedded engine.
 */
export async function markReadReturningChat(
  db: Queryable,
  organizationId: number,
  chatId: number,
  side: Side,
  read: boolean,
): Promise<ChatJson | undefined> {
  const statements = STATEMENTS(db.dialect)
  const mark = read ? 'true' : 'false'
  const params = [chatId, organizationId]
  const attempt: SqlQuery[] = [
    [statements.current[side][mark], params],
    [statements.change[side][mark], params],
    [statements.exists, params],
  ]
  for (;;) {
    const found = await db.firstRow<{ chat: ChatJson | null }>(attempt)
    if (!found) return undefined
    if (found.chat !== null) return found.chat
  }
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

/**
 * Sets a chat's read positions as given (a fixture's, exported from another database); the
 * flags are set apart, with `setReadState`.
 */
export async function setReadPositions(
  db: Queryable,
  organizationId: number,
  chatId: number,
  positions: ReadPositions,
): Promise<void> {
  await db.run(
    `UPDATE chat_read_states SET agent_read_message_id = ?, customer_read_message_id = ?
     ${WHERE_CHAT}`,
    [positions.agent_read_message_id, positions.customer_read_message_id, chatId, organizationId],
  )
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
