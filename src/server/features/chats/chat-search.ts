import type { ChatSortField, SearchBody } from '../../../contract/index.js'
import type { Order, Page, Sort } from '../../http/paging.js'
import type { Reader, SqlValue } from '../../storage/db.js'
import { perDialect } from '../../storage/per-dialect.js'
import {
  compileFilters,
  type CompiledFilters,
  type FieldSpec,
  type Operator,
} from '../search/filters.js'
import { totalOf, totalQuery } from '../search/search-total.js'
import { chatJson } from './chat-json.js'
import type { ChatJson } from './chats.repository.js'

/**
 * The fields `POST /v1/chats/search` filters on: HelpCrunch's documented ones (reference 6.3),
 * the read flags (so "unread chats" is one query), and the other times a chat shows.
 */
export const CHAT_FIELDS: Readonly<Record<string, FieldSpec>> = {
  assignee: { type: 'id', sql: 'c.assignee_id', nullable: true },
  agents: {
    type: 'id',
    sql: 'c.id',
    operators: ['=', '!='],
    condition: (operator: Operator) =>
      `${operator === '=' ? '' : 'NOT '}EXISTS (SELECT 1 FROM chat_agents ca
        WHERE ca.chat_id = c.id AND ca.agent_id = ?)`,
  },
  department: { type: 'id', sql: 'c.department_id', nullable: true },
  customer: { type: 'id', sql: 'c.customer_id' },
  application: { type: 'id', sql: 'c.application_id', nullable: true },
  status: { type: 'status', sql: 'c.status' },
  rating: { type: 'rating', sql: 'c.rating', nullable: true },
  createdAt: { type: 'timestamp', sql: 'c.created_at' },
  updatedAt: { type: 'timestamp', sql: 'c.updated_at' },
  closedAt: { type: 'timestamp', sql: 'c.closed_at', nullable: true },
  lastMessageAt: { type: 'timestamp', sql: 'c.last_message_at', nullable: true },
  lastCustomerMessageAt: { type: 'timestamp', sql: 'c.last_customer_message_at', nullable: true },
  snoozedUntil: { type: 'timestamp', sql: 'c.snoozed_until', nullable: true },
  readByAgent: { type: 'boolean', sql: 'r.read_by_agent', join: 'readState' },
  readByCustomer: { type: 'boolean', sql: 'r.read_by_customer', join: 'readState' },
  'customer.email': { type: 'string', sql: 'cu.email', nullable: true, join: 'customer' },
  'customer.userId': { type: 'string', sql: 'cu.user_id', nullable: true, join: 'customer' },
  'customer.name': { type: 'string', sql: 'cu.name', nullable: true, join: 'customer' },
  'customer.tagsData': { type: 'tags', sql: 'c.customer_id' },
}

const SORT_COLUMNS: Record<ChatSortField, string> = {
  createdAt: 'c.created_at',
  lastCustomerMessageAt: 'c.last_customer_message_at',
  lastMessageAt: 'c.last_message_at',
  closedAt: 'c.closed_at',
}

/** A search's page of chats as wire JSON, and how many chats match in all. */
export interface ChatSearchResult {
  readonly chats: ChatJson[]
  readonly total: number
}

const CHAT_JSON = perDialect((dialect) => chatJson(dialect, 'c', 'r'))

/** A FROM and WHERE clause with its parameters. */
interface FromWhere {
  readonly sql: string
  readonly params: SqlValue[]
}

/**
 * The chats the filters match: the chat joined to only what the filters look at. Where the read
 * state is joined, its own organization column is bound too, so an unread filter searches that
 * organization's entries in the partial unread indexes rather than every organization's.
 */
function matching(filters: CompiledFilters, organizationId: number): FromWhere {
  const byReadState = filters.joins.has('readState')
  const readState = byReadState ? ' JOIN chat_read_states r ON r.chat_id = c.id' : ''
  const customer = filters.joins.has('customer')
    ? ' JOIN customers cu ON cu.id = c.customer_id'
    : ''
  return {
    sql: `FROM chats c${readState}${customer} WHERE c.organization_id = ?${
      byReadState ? ' AND r.organization_id = ?' : ''
    }${filters.where ? ` AND ${filters.where}` : ''}`,
    params: [organizationId, ...(byReadState ? [organizationId] : []), ...filters.params],
  }
}

/** A condition a partial unread index holds: a read flag that is false. */
const UNREAD = /^r\.read_by_(agent|customer) = 0$/

/**
 * How many chats match. Unread chats, with no other filter, are counted off the organization's
 * part of a partial unread index without visiting a single chat row (the read state carries the
 * organization). Other read-state conditions have no index of their own, and are counted through
 * the organization's chats like any other filter.
 */
function counting(filters: CompiledFilters, organizationId: number): FromWhere {
  const { conditions, joiner } = filters
  const unreadOnly =
    conditions.length > 0 &&
    (conditions.length === 1 || joiner === 'AND') &&
    conditions.every((c) => UNREAD.test(c))
  return unreadOnly
    ? {
        sql: `FROM chat_read_states r WHERE r.organization_id = ? AND ${filters.where}`,
        params: [organizationId, ...filters.params],
      }
    : matching(filters, organizationId)
}

/**
 * Runs a chat search for an organization: its filters compiled against `CHAT_FIELDS` (a 400
 * names each bad filter), the page in `sort` order with unset times last, and how many match.
 *
 * The page is chosen on ids and sort keys first, and only its chats are built as JSON: a search
 * that must sort its matches (unread chats by their last message, say) would otherwise build the
 * JSON of every match, tens of thousands of them, to keep 25.
 */
export async function searchChats(
  db: Reader,
  organizationId: number,
  body: SearchBody,
  sort: Sort<ChatSortField>,
  { limit, offset }: Page,
): Promise<ChatSearchResult> {
  const filters = compileFilters(db.dialect, body, 'chats', CHAT_FIELDS)
  const direction = (sort.order satisfies Order).toUpperCase()
  const order = (key: string, id: string) => `${key} ${direction} NULLS LAST, ${id} ${direction}`
  const page = matching(filters, organizationId)
  const count = totalQuery(
    'chats',
    organizationId,
    filters.where ? counting(filters, organizationId) : null,
  )
  // The total rides on the page's statement (search-total.ts). The join hands the page's rows
  // back in an order of its own choosing (a hash join's, on PostgreSQL), so the page is put in
  // order again, its own rows only.
  const rows = await db.all<{ chat: ChatJson; total: number | string }>(
    `SELECT ${CHAT_JSON(db.dialect)} AS chat, (${count.sql}) AS total
     FROM (SELECT c.id, ${SORT_COLUMNS[sort.field]} AS sort_key ${page.sql}
           ORDER BY ${order(SORT_COLUMNS[sort.field], 'c.id')} LIMIT ? OFFSET ?) page
     JOIN chats c ON c.id = page.id JOIN chat_read_states r ON r.chat_id = c.id
     ORDER BY ${order('page.sort_key', 'page.id')}`,
    [...count.params, ...page.params, limit, offset],
  )
  return { chats: rows.map((row) => row.chat), total: await totalOf(db, rows, offset, count) }
}
