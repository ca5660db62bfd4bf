import type { Chat, ChatStatus, CreatedWith } from '../../../contract/index.js'
import type { Queryable } from '../../storage/db.js'
import { perDialect } from '../../storage/per-dialect.js'
import { adjustCount } from '../scoped.repository.js'
import type { JsonText } from '../wire.js'
import { chatJson } from './chat-json.js'
import type { ReadPositions } from './read-state.js'

/** A chat's JSON exactly as the API answers it. */
export type ChatJson = JsonText<Chat>

/** A chat with its read state, as every read of a whole chat joins them. */
const CHATS = 'FROM chats c JOIN chat_read_states r ON r.chat_id = c.id'

const statements = perDialect((dialect) => {
  const chat = chatJson(dialect, 'c', 'r')
  return {
    find: `SELECT ${chat} AS chat ${CHATS} WHERE c.id = ? AND c.organization_id = ?`,
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

/**
 * A chat's status, rating and last message time (what the fixture loader needs after replaying
 * its messages, and what rating checks), or `undefined` when the organization has no such chat.
 */
export function findChatState(db: Queryable, organizationId: number, chatId: number) {
  return db.get<{ status: ChatStatus; rating: string | null; last_message_at: number | null }>(
    'SELECT status, rating, last_message_at FROM chats WHERE id = ? AND organization_id = ?',
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
     VALUES (${db.dialect.newId('chats')}, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
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

// The hand-made changes of PUT /v1/chats/snooze, /status, /assignee, /department and /rate. Each
// is one statement on the chat row that also sets `updated_at`, and leaves the row untouched (so
// `updated_at` too) when the value is already the one asked for: ids are at least 1 and times at
// least 0, so 0 and -1 stand for "none" in the comparisons.

const CHAT_ROW = 'WHERE id = ? AND organization_id = ?'

/** Snoozes a chat until `until` (UNIX seconds), or unsnoozes it (`null`); rows changed. */
export function setSnoozedUntil(
  db: Queryable,
  organizationId: number,
  chatId: number,
  until: number | null,
  now: number,
): Promise<number> {
  return db.run(
    `UPDATE chats SET snoozed_until = ?, updated_at = ?
     ${CHAT_ROW} AND COALESCE(snoozed_until, -1) <> ?`,
    [until, now, chatId, organizationId, until ?? -1],
  )
}

/** A status with who closed the chat and when: both `null` unless the status is `closed`. */
export interface StatusChange {
  readonly status: ChatStatus
  readonly closedAt: number | null
  readonly closedBy: 'agent' | 'customer' | null
}

/**
 * Gives a chat a status, with its closing time and closer, unless it has that status already (a
 * closed chat closed again keeps its `closed_at`); rows changed.
 */
export function setStatus(
  db: Queryable,
  organizationId: number,
  chatId: number,
  change: StatusChange,
  now: number,
): Promise<number> {
  return db.run(
    `UPDATE chats SET status = ?, closed_at = ?, closed_by = ?, updated_at = ?
     ${CHAT_ROW} AND status <> ?`,
    [change.status, change.closedAt, change.closedBy, now, chatId, organizationId, change.status],
  )
}

/** Assigns a chat to an agent, or to nobody (`null`); never checks the agent exists. */
export function setAssignee(
  db: Queryable,
  organizationId: number,
  chatId: number,
  agentId: number | null,
  now: number,
): Promise<number> {
  return db.run(
    `UPDATE chats SET assignee_id = ?, updated_at = ?
     ${CHAT_ROW} AND COALESCE(assignee_id, 0) <> ?`,
    [agentId, now, chatId, organizationId, agentId ?? 0],
  )
}

/** Moves a chat to a department, or to none (`null`); never checks the department exists. */
export function setDepartment(
  db: Queryable,
  organizationId: number,
  chatId: number,
  departmentId: number | null,
  now: number,
): Promise<number> {
  return db.run(
    `UPDATE chats SET department_id = ?, updated_at = ?
     ${CHAT_ROW} AND COALESCE(department_id, 0) <> ?`,
    [departmentId, now, chatId, organizationId, departmentId ?? 0],
  )
}

/** Rates a chat that has no rating yet; 0 rows changed when it has one. */
export function setRating(
  db: Queryable,
  organizationId: number,
  chatId: number,
  rating: string,
  now: number,
): Promise<number> {
  return db.run(`UPDATE chats SET rating = ?, updated_at = ? ${CHAT_ROW} AND rating IS NULL`, [
    rating,
    now,
    chatId,
    organizationId,
  ])
}

/** Whether an agent wrote the customer at least one chat message (notes and tech do not count). */
export async function hasAgentMessage(db: Queryable, chatId: number): Promise<boolean> {
  const row = await db.get(
    `SELECT id FROM messages WHERE chat_id = ? AND sender = 'agent' AND type = 'message' LIMIT 1`,
    [chatId],
  )
  return row !== undefined
}
