import type { ChatSortField, ChatStatus, CreatedWith } from '../../../contract/index.js'
import type { Order } from '../../http/paging.js'
import type { Queryable } from '../../storage/db.js'
import { placeholders } from '../../storage/sql.js'
import { adjustCount } from '../scoped.repository.js'
import type { ReadPositions } from './read-state.js'

/** A chat with the short forms of its customer, assignee and department, as one query reads it. */
export interface ChatRow {
  id: number
  closed_by: string | null
  last_customer_message_at: number | null
  status: ChatStatus
  closed_at: number | null
  rating: string | null
  created_at: number
  last_message_at: number | null
  read_by_agent: number
  read_by_customer: number
  created_with: string | null
  snoozed_until: number | null
  last_message_text: string | null
  last_message_id: number | null
  application_id: number | null
  last_communicated_agent_id: number | null
  customer_id: number
  customer_name: string | null
  customer_email: string | null
  customer_user_id: string | null
  assignee_id: number | null
  assignee_name: string | null
  assignee_email: string | null
  assignee_role: string | null
  department_id: number | null
  department_name: string | null
}

/** An agent who wrote in a chat, in the order they first wrote. */
export interface ChatAgentRow {
  chat_id: number
  id: number
  name: string
  email: string
  role: string
}

const SELECT_CHATS = `
SELECT c.id, c.closed_by, c.last_customer_message_at, c.status, c.closed_at, c.rating,
  c.created_at, c.last_message_at, c.read_by_agent, c.read_by_customer, c.created_with,
  c.snoozed_until, c.last_message_text, c.last_message_id, c.application_id,
  c.last_communicated_agent_id,
  cu.id AS customer_id, cu.name AS customer_name, cu.email AS customer_email,
  cu.user_id AS customer_user_id,
  a.id AS assignee_id, a.name AS assignee_name, a.email AS assignee_email, a.role AS assignee_role,
  d.id AS department_id, d.name AS department_name
FROM chats c
JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN agents a ON a.id = c.assignee_id
LEFT JOIN departments d ON d.id = c.department_id`

const FIND_CHAT = `${SELECT_CHATS} WHERE c.id = ? AND c.organization_id = ?`

export function findChat(db: Queryable, organizationId: number, chatId: number) {
  return db.get<ChatRow>(FIND_CHAT, [chatId, organizationId])
}

const SORT_COLUMNS: Record<ChatSortField, string> = {
  createdAt: 'c.created_at',
  lastCustomerMessageAt: 'c.last_customer_message_at',
  lastMessageAt: 'c.last_message_at',
  closedAt: 'c.closed_at',
}

/** One SQL text per sort field and order, built once; unset times sort last either way. */
const LIST_CHATS = new Map(
  Object.entries(SORT_COLUMNS).flatMap(([field, column]) =>
    (['asc', 'desc'] as const).map((order) => [
      `${field} ${order}`,
      `${SELECT_CHATS} WHERE c.organization_id = ?
       ORDER BY ${column} ${order.toUpperCase()} NULLS LAST, c.id ${order.toUpperCase()}
       LIMIT ? OFFSET ?`,
    ]),
  ),
)

export function listChats(
  db: Queryable,
  organizationId: number,
  sort: { field: ChatSortField; order: Order },
  limit: number,
  offset: number,
) {
  const sql = LIST_CHATS.get(`${sort.field} ${sort.order}`)!
  return db.all<ChatRow>(sql, [organizationId, limit, offset])
}

/** The agents who wrote in each of `chatIds`, first writer first. */
export function listChatAgents(db: Queryable, chatIds: readonly number[]) {
  if (chatIds.length === 0) return Promise.resolve([])
  return db.all<ChatAgentRow>(
    `SELECT ca.chat_id, a.id, a.name, a.email, a.role
     FROM chat_agents ca JOIN agents a ON a.id = ca.agent_id
     WHERE ca.chat_id IN (${placeholders(chatIds.length)})
     ORDER BY ca.chat_id, ca.first_message_id`,
    chatIds,
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

/** Inserts a chat with no messages (read on both sides, nothing to read) and counts it. */
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
SELECT agent_read_message_id, customer_read_message_id FROM chats
WHERE id = ? AND organization_id = ?`

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
