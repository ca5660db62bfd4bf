import type { ChatReadState, UnreadTotals } from '../../../contract/index.js'
import type { Queryable } from '../../storage/db.js'
import { addressedTo, SIDE_COLUMNS, type Side } from './read-state.js'

/**
 * What the read state holds beyond the two flags (decisions section 4, extensions): each side's
 * position and how many messages wait past it, for one chat; and how many chats each assignee,
 * department and application has unread, for the organization.
 */

/** SQL: the messages addressed to `side` past its position in read-state row `r`. */
const unreadCount = (side: Side) =>
  `(SELECT count(*) FROM messages m WHERE m.chat_id = r.chat_id
     AND m.id > COALESCE(r.${SIDE_COLUMNS[side].position}, 0) AND ${addressedTo(side, 'm')})`

const READ_STATE = `
SELECT r.last_message_id, r.read_by_agent, r.agent_read_message_id, ${unreadCount('agent')} AS agent_unread,
  r.read_by_customer, r.customer_read_message_id, ${unreadCount('customer')} AS customer_unread
FROM chat_read_states r WHERE r.chat_id = ? AND r.organization_id = ?`

interface ReadStateRow {
  last_message_id: number | null
  read_by_agent: number
  agent_read_message_id: number | null
  agent_unread: number
  read_by_customer: number
  customer_read_message_id: number | null
  customer_unread: number
}

/** A chat's read state per side; `undefined` when the organization has no such chat. */
export async function findChatReadState(
  db: Queryable,
  organizationId: number,
  chatId: number,
): Promise<ChatReadState | undefined> {
  const row = await db.get<ReadStateRow>(READ_STATE, [chatId, organizationId])
  if (row === undefined) return undefined
  return {
    chatId,
    lastMessageId: row.last_message_id,
    agent: {
      read: row.read_by_agent === 1,
      readUpToMessageId: row.agent_read_message_id,
      unreadCount: row.agent_unread,
    },
    customer: {
      read: row.read_by_customer === 1,
      readUpToMessageId: row.customer_read_message_id,
      unreadCount: row.customer_unread,
    },
  }
}

/** On SQLite: the counts that migration 009 keeps as chats change, a few rows however many. */
const KEPT_GROUPS = (side: Side) => `
SELECT NULLIF(assignee_id, 0) AS assignee_id, NULLIF(department_id, 0) AS department_id,
  NULLIF(application_id, 0) AS application_id, chats
FROM unread_chat_counts WHERE organization_id = ? AND side = '${side}' AND chats <> 0`

/**
 * On PostgreSQL, counted on request: the partial indexes of migration 006 hold exactly the unread
 * rows, so this reads the unread chats and no other.
 */
const COUNTED_GROUPS = (side: Side) => `
SELECT c.assignee_id, c.department_id, c.application_id, count(*) AS chats
FROM chat_read_states r JOIN chats c ON c.id = r.chat_id
WHERE r.organization_id = ? AND r.${SIDE_COLUMNS[side].flag} = 0
GROUP BY c.assignee_id, c.department_id, c.application_id`

interface GroupRow {
  assignee_id: number | null
  department_id: number | null
  application_id: number | null
  chats: number
}

type Group = UnreadTotals['byAssignee'][number]

/** Sums `rows` by one of their ids; groups in id order, chats with none last. */
function sumBy(rows: readonly GroupRow[], key: keyof Omit<GroupRow, 'chats'>): Group[] {
  const sums = new Map<number | null, number>()
  for (const row of rows) sums.set(row[key], (sums.get(row[key]) ?? 0) + row.chats)
  return [...sums]
    .map(([id, chats]) => ({ id, chats }))
    .sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity))
}

/** How many of the organization's chats `side` has unread, in all and per group (every status). */
export async function countUnreadChats(
  db: Queryable,
  organizationId: number,
  side: Side,
): Promise<UnreadTotals> {
  const rows = await db.all<GroupRow>(
    (db.dialect.singleWriter ? KEPT_GROUPS : COUNTED_GROUPS)(side),
    [organizationId],
  )
  return {
    side,
    chats: rows.reduce((total, row) => total + row.chats, 0),
    byAssignee: sumBy(rows, 'assignee_id'),
    byDepartment: sumBy(rows, 'department_id'),
    byApplication: sumBy(rows, 'application_id'),
  }
}
