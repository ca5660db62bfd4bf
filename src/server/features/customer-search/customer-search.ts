import type { CustomerList, SearchBody } from '../../../contract/index.js'
import type { Page, Sort } from '../../http/paging.js'
import type { Reader, SqlValue } from '../../storage/db.js'
import { presentCustomers } from '../customers/customers.presenter.js'
import {
  CUSTOMER_COLUMNS,
  listCustomerTags,
  type CustomerRow,
  type CustomerSortField,
} from '../customers/customers.repository.js'
import { compileFilters, type FieldSpec } from '../search/filters.js'
import { totalOf, totalQuery } from '../search/search-total.js'

const text = (sql: string): FieldSpec => ({ type: 'string', sql, nullable: true })

/**
 * The fields `POST /v1/customers/search` filters on (reference 6.3). The messenger ids are
 * documented but opencrunch keeps no such data: they filter as an empty value would.
 */
export const CUSTOMER_FIELDS: Readonly<Record<string, FieldSpec>> = {
  id: { type: 'id', sql: 'cu.id' },
  name: text('cu.name'),
  email: text('cu.email'),
  userId: text('cu.user_id'),
  company: text('cu.company'),
  phone: text('cu.phone'),
  countryCode: text('cu.country_code'),
  regionCode: text('cu.region_code'),
  city: text('cu.city'),
  tagsData: { type: 'tags', sql: 'cu.id' },
  firstSeen: { type: 'timestamp', sql: 'cu.first_seen', nullable: true },
  lastSeen: { type: 'timestamp', sql: 'cu.last_seen', nullable: true },
  createdAt: { type: 'timestamp', sql: 'cu.created_at' },
  telegramId: { type: 'absent', sql: 'NULL' },
  facebookId: { type: 'absent', sql: 'NULL' },
  instagramId: { type: 'absent', sql: 'NULL' },
  viberId: { type: 'absent', sql: 'NULL' },
  whatsappId: { type: 'absent', sql: 'NULL' },
}

const SORT_COLUMNS: Record<CustomerSortField, string> = {
  id: 'cu.id',
  firstSeen: 'cu.first_seen',
  lastSeen: 'cu.last_seen',
}

const COLUMNS = ['id', ...CUSTOMER_COLUMNS].map((column) => `cu.${column}`).join(', ')

/**
 * A page of the organization's customers that match a search (a 400 names each bad filter), in
 * `sort` order with unset times last, and how many match in all.
 */
export async function searchCustomers(
  db: Reader,
  organizationId: number,
  body: SearchBody,
  sort: Sort<CustomerSortField>,
  page: Page,
): Promise<CustomerList> {
  const filters = compileFilters(db.dialect, body, 'customers', CUSTOMER_FIELDS)
  const where = `WHERE cu.organization_id = ?${filters.where ? ` AND ${filters.where}` : ''}`
  const direction = sort.order.toUpperCase()
  const params: SqlValue[] = [organizationId, ...filters.params]
  const count = totalQuery(
    'customers',
    organizationId,
    filters.where ? { sql: `FROM customers cu ${where}`, params } : null,
  )
  // The total rides on the page's statement (search-total.ts).
  const rows = await db.all<CustomerRow & { total: number | string }>(
    `SELECT ${COLUMNS}, (${count.sql}) AS total FROM customers cu ${where}
     ORDER BY ${SORT_COLUMNS[sort.field]} ${direction} NULLS LAST, cu.id ${direction}
     LIMIT ? OFFSET ?`,
    [...count.params, ...params, page.limit, page.offset],
  )
  const tags = await listCustomerTags(
    db,
    rows.map((row) => row.id),
  )
  return { data: presentCustomers(rows, tags), total: await totalOf(db, rows, page.offset, count) }
}
