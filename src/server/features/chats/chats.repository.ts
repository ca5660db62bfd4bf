import type { Chat, ChatSortField, ChatStatus, CreatedWith } from '../../../contract/index.js'
import type { Order } from '../../http/paging.js'
import type { Queryable } from '../../storage/db.js'
import { perDialect } from '../../storage/per-dialect.js'
import { adjustCount } from '../scoped.repository.js'
import type { JsonText } from '../wire.js'
import { chatJson } from './chat-json.js'
import type { ReadPositions } from './read-state.js'

/** A chat's JSON exactly as the API answers it. */
export type ChatJson = JsonText<Chat>

const SORT_COLUMNS: Record<ChatSortField, string> = {
  createdAt: 'c.created_at',
  lastCustomerMessageAt: 'c.last_customer_message_at',
  lastMessageAt: 'c.last_message_at',
  closedAt: 'c.closed_at',
}

/** A chat with its read state, as every read of a whole chat joins them. */
const CHATS = 'FROM chats c JOIN chat_read_states r ON r.chat_id = c.id'

const statements = perDialect((dialect) => {
  const chat = chatJson(dialect, 'c', 'r')
  return {
    find: `SELECT ${chat} AS chat ${CHATS} WHERE c.id = ? AND c.organization_id = ?`,
    /** One text per sort field and order; unset times sort last either way. */
    list: new Map(
      Object.entries(SORT_COLUMNS).flatMap(([field, column]) =>
        (['asc', 'desc'] as const).map((order) => {
          const direction = order.toUpperCase()
          return [
            `${field} ${order}`,
            `SELECT ${chat} AS chat ${CHATS} WHERE c.organization_id = ?
             ORDER BY ${column} ${direction} NULLS LAST, c.id ${direction} LIMIT ? OFFSET ?`,
          ] as const
        }),
      ),
    ),
  }
})

/** One chat of the organization as its wire JSON, or `undefined`. */
export async function findChatJson(
  db: Queryable,
  organizationId: number,
  chatId: number,
): Promise<ChatJson | undefined> {
  const row = await db.get<{ chat: ChatJson }>(statements(db.dialect).find, [
    chatId,
    organizationId,
  ])
  return row?.chat
}

/** A page of the organization's chats as wire JSON, in the order asked for. */
export async function listChatJson(
  db: Queryable,
  organizationId: number,
  sort: { field: ChatSortField; order: Order },
  limit: number,
  offset: number,
): Promise<ChatJson[]> {
  const sql = statements(db.dialect).list.get(`${sort.field} ${sort.order}`)!
  const rows = await db.all<{ chat: ChatJson }>(sql, [organizationId, limit, offset])
  return rows.map((row) => row.chat)
}

/** What the fixture loader needs of a chat after replaying its messages. */
export function findChatState(db: Queryable, organizationId: number, chatId: number) {
  return db.get<{ status: ChatStatus; last_message_at: number | null }>(
    'SELECT status, last_message_at FROM chats WHERE id = ? AND organization_id = ?',
    [chatId, organizationId],
  )
}

export interface NewChat {
  id?: number | undefined
  organizationId: number
  customerId: number
  applicationId: number | null
  assigneeId: number | null
  departmentId: number | null
  status: ChatStatus
  createdWith: CreatedWith | null
  createdAt: number
}

/**
 * Inserts a chat with no messages, and its read state (read on both sides: nothing to read), and
 * counts it.
 */
export async function insertChat(db: Queryable, chat: NewChat): Promise<number> {
  await adjustCount(db, 'chats', chat.organizationId, 1)
  const row = await db.get<{ id: number }>(
    `INSERT INTO chats (id, organization_id, customer_id, application_id, assignee_id,
       department_id, status, created_with, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      chat.id ?? null,
      chat.organizationId,
      chat.customerId,
      chat.applicationId,
      chat.assigneeId,
      chat.departmentId,
      chat.status,
      chat.createdWith,
      chat.createdAt,
      chat.createdAt,
    ],
  )
  await db.run('INSERT INTO chat_read_states (chat_id, organization_id) VALUES (?, ?)', [
    row!.id,
    chat.organizationId,
  ])
  return row!.id
}

/** Locks a chat of the organization for the rest of the transaction; false if there is none. */
export async function lockChat(
  db: Queryable,
  organizationId: number,
  chatId: number,
  now: number,
): Promise<boolean> {
  const changed = await db.run(
    'UPDATE chats SET updated_at = ? WHERE id = ? AND organization_id = ?',
    [now, chatId, organizationId],
  )
  return changed === 1
}

const FIND_READ_POSITIONS = `
SELECT agent_read_message_id, customer_read_message_id FROM chat_read_states
WHERE chat_id = ? AND organization_id = ?`

/** A chat's read position per side, or `undefined` when the organization has no such chat. */
export function findReadPositions(db: Queryable, organizationId: number, chatId: number) {
  return db.get<ReadPositions>(FIND_READ_POSITIONS, [chatId, organizationId])
}

/** The hand-set part of a chat's state: its status, closing, rating and snooze. */
export interface ChatState {
  status: ChatStatus
  closedAt: number | null
  closedBy: string | null
  rating: string | null
  snoozedUntil: number | null
}

export function setChatState(db: Queryable, chatId: number, state: ChatState) {
  return db.run(
    `UPDATE chats SET status = ?, closed_at = ?, closed_by = ?, rating = ?, snoozed_until = ?
     WHERE id = ?`,
    [state.status, state.closedAt, state.closedBy, state.rating, state.snoozedUntil, chatId],
  )
}
