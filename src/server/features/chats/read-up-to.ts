import { Errors } from '../../errors.js'
import type { Db } from '../../storage/db.js'
import { perDialect } from '../../storage/per-dialect.js'
import { chatJson } from './chat-json.js'
import type { ChatJson } from './chats.repository.js'
import { addressedTo, SIDE_COLUMNS, type Side } from './read-state.js'

/**
 * `upToMessageId` (decisions section 4, extensions): a side marked read only up to the message a
 * client displayed. The side's position moves to that message, and its flag becomes what the
 * position makes it: read when no message addressed to the side lies past it. A message not
 * beyond the position changes nothing: a client showing an older screen never un-reads what
 * another has read, nor reads what was marked unread since.
 */

const STATEMENTS = perDialect((dialect) => {
  const bySide = (make: (side: Side) => string) => ({
    agent: make('agent'),
    customer: make('customer'),
  })
  return {
    // Locked until the transaction ends: a message posted meanwhile applies its own rules to this
    // row after this mark, never before it (PostgreSQL; SQLite runs one write at a time anyway).
    position: bySide(
      (side) => `SELECT ${SIDE_COLUMNS[side].position} AS position FROM chat_read_states
        WHERE chat_id = ? AND organization_id = ?${dialect.forUpdate}`,
    ),
    message: 'SELECT id FROM messages WHERE id = ? AND chat_id = ?',
    unreadPast: bySide(
      (side) =>
        `SELECT 1 FROM messages m WHERE m.chat_id = ? AND m.id > ? AND ${addressedTo(side, 'm')}`,
    ),
    set: bySide(
      (
        side,
      ) => `UPDATE chat_read_states SET ${SIDE_COLUMNS[side].flag} = ?, ${SIDE_COLUMNS[side].position} = ?
        WHERE chat_id = ?`,
    ),
    chat: `SELECT ${chatJson(dialect, 'c', 'r', 'read-article')} AS chat
      FROM chats c JOIN chat_read_states r ON r.chat_id = c.id WHERE c.id = ?`,
  }
})

/**
 * Marks `side` of a chat read up to message `messageId` and answers the chat as stored after it,
 * in the read article's field order, as `markReadReturningChat` does. `undefined` when the
 * organization has no such chat; a 404 "Message not found" when the message is not the chat's.
 * One transaction: the position, the flag and the answer agree.
 */
export function markReadUpTo(
  db: Db,
  organizationId: number,
  chatId: number,
  side: Side,
  messageId: number,
): Promise<ChatJson | undefined> {
  const statements = STATEMENTS(db.dialect)
  return db.transaction(async (tx) => {
    const row = await tx.get<{ position: number | null }>(statements.position[side], [
      chatId,
      organizationId,
    ])
    if (row === undefined) return undefined
    if ((await tx.get(statements.message, [messageId, chatId])) === undefined) {
      throw Errors.notFound('Message')
    }
    // A mark not beyond the position comes from a screen no newer than one already marked
    // (a client sending its last displayed message again, say): it changes nothing, not even a
    // flag set unread by hand since.
    if (row.position === null || messageId > row.position) {
      const unread = await tx.get(statements.unreadPast[side], [chatId, messageId])
      await tx.run(statements.set[side], [unread === undefined ? 1 : 0, messageId, chatId])
    }
    const answer = await tx.get<{ chat: ChatJson }>(statements.chat, [chatId])
    return answer!.chat
  })
}
