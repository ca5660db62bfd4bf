import type { Queryable, Reader, SqlValue } from '../../storage/db.js'
import { placeholders } from '../../storage/sql.js'
import { adjustCount } from '../scoped.repository.js'

export interface CustomerRow {
  id: number
  name: string | null
  email: string | null
  user_id: string | null
  company: string | null
  phone: string | null
  first_seen: number | null
  last_seen: number | null
  city: string | null
  region_code: string | null
  country_code: string | null
  device: string | null
  unsubscribed: number
  blocked: number
  source: string | null
  referer: string | null
  last_page: string | null
  locale: string | null
  created_from: string | null
  integration_id: string | null
  notes: string | null
  custom_data: string
}

export interface CustomerTagRow {
  customer_id: number
  name: string
  color: string
}

/** Stored customer columns a write may set, in one fixed order. */
export const CUSTOMER_COLUMNS = [
  'name',
  'email',
  'user_id',
  'company',
  'phone',
  'first_seen',
  'last_seen',
  'city',
  'region_code',
  'country_code',
  'device',
  'unsubscribed',
  'blocked',
  'source',
  'referer',
  'last_page',
  'locale',
  'created_from',
  'integration_id',
  'notes',
  'custom_data',
] as const
export type CustomerColumn = (typeof CUSTOMER_COLUMNS)[number]
export type CustomerValues = Record<CustomerColumn, SqlValue>

const SELECT_CUSTOMERS = `SELECT id, ${CUSTOMER_COLUMNS.join(', ')} FROM customers`

/** A customer of the organization; `lock` also locks its row until the transaction ends. */
export function findCustomer(
  db: Queryable,
  organizationId: number,
  customerId: number,
  lock = false,
) {
  const forUpdate = lock ? db.dialect.forUpdate : ''
  return db.get<CustomerRow>(
    `${SELECT_CUSTOMERS} WHERE id = ? AND organization_id = ?${forUpdate}`,
    [customerId, organizationId],
  )
}

export type CustomerSortField = 'id' | 'firstSeen' | 'lastSeen'

/** The tags of each of `customerIds`, in the order they were added. */
export function listCustomerTags(db: Reader, customerIds: readonly number[]) {
  if (customerIds.length === 0) return Promise.resolve([])
  return db.all<CustomerTagRow>(
    `SELECT ct.customer_id, t.name, t.color FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
     WHERE ct.customer_id IN (${placeholders(customerIds.length)})
     ORDER BY ct.customer_id, ct.position`,
    customerIds,
  )
}

export async function insertCustomer(
  db: Queryable,
  organizationId: number,
  values: CustomerValues,
  createdAt: number,
  id: number | null = null,
): Promise<number> {
  await adjustCount(db, 'customers', organizationId, 1)
  const row = await db.get<{ id: number }>(
    `INSERT INTO customers (id, organization_id, ${CUSTOMER_COLUMNS.join(', ')}, created_at, updated_at)
     VALUES (${db.dialect.newId('customers')}, ?, ${placeholders(CUSTOMER_COLUMNS.length)}, ?, ?) RETURNING id`,
    [id, organizationId, ...CUSTOMER_COLUMNS.map((column) => values[column]), createdAt, createdAt],
  )
  return row!.id
}

/** Finds the organization's tag of that name, creating it with `color` if it is new. */
export async function ensureTag(
  db: Queryable,
  organizationId: number,
  name: string,
  color: string,
): Promise<number> {
  await db.run(
    `INSERT INTO tags (organization_id, name, color) VALUES (?, ?, ?)
     ON CONFLICT (organization_id, name) DO NOTHING`,
    [organizationId, name, color],
  )
  const row = await db.get<{ id: number }>(
    'SELECT id FROM tags WHERE organization_id = ? AND name = ?',
    [organizationId, name],
  )
  return row!.id
}

/** Adds a tag to a customer after the ones it has; a tag it already has stays where it is. */
export function addCustomerTag(db: Queryable, customerId: number, tagId: number) {
  return db.run(
    `INSERT INTO customer_tags (customer_id, tag_id, position)
     SELECT ?, ?, coalesce(max(position), 0) + 1 FROM customer_tags WHERE customer_id = ?
     ON CONFLICT (customer_id, tag_id) DO NOTHING`,
    [customerId, tagId, customerId],
  )
}

/**
 * Sets the given columns of one customer of the organization, and its `updated_at` to `now`.
 * Only columns of `CUSTOMER_COLUMNS` are written, in their fixed order, so the statement's text
 * never holds a name from a request; with no columns it only touches `updated_at`. Resolves to
 * the number of rows changed: 0 when the organization has no such customer.
 */
export function updateCustomer(
  db: Queryable,
  organizationId: number,
  customerId: number,
  values: Partial<CustomerValues>,
  now: number,
): Promise<number> {
  const columns = CUSTOMER_COLUMNS.filter((column) => values[column] !== undefined)
  const assignments = [...columns.map((column) => `${column} = ?`), 'updated_at = ?']
  return db.run(
    `UPDATE customers SET ${assignments.join(', ')} WHERE id = ? AND organization_id = ?`,
    [...columns.map((column) => values[column] ?? null), now, customerId, organizationId],
  )
}

/** Takes every tag off a customer; the organization's tags themselves stay. */
export function clearCustomerTags(db: Queryable, customerId: number) {
  return db.run('DELETE FROM customer_tags WHERE customer_id = ?', [customerId])
}

/**
 * Takes the organization's tags named `names` off a customer; names it does not have (or the
 * organization does not know) change nothing. The tags themselves stay. Resolves to how many went.
 */
export function removeCustomerTags(
  db: Queryable,
  organizationId: number,
  customerId: number,
  names: readonly string[],
) {
  if (names.length === 0) return Promise.resolve(0)
  return db.run(
    `DELETE FROM customer_tags WHERE customer_id = ? AND tag_id IN
       (SELECT id FROM tags WHERE organization_id = ? AND name IN (${placeholders(names.length)}))`,
    [customerId, organizationId, ...names],
  )
}

/**
 * Deletes a customer's chats (their messages, read states and agents go with them: those foreign
 * keys cascade) and takes them off the organization's chat count. Resolves to how many went.
 */
export async function deleteCustomerChats(
  db: Queryable,
  organizationId: number,
  customerId: number,
): Promise<number> {
  const deleted = await db.run('DELETE FROM chats WHERE customer_id = ? AND organization_id = ?', [
    customerId,
    organizationId,
  ])
  if (deleted > 0) await adjustCount(db, 'chats', organizationId, -deleted)
  return deleted
}

/**
 * Deletes one customer of the organization (its events and tag links go with it: those foreign
 * keys cascade) and takes it off the organization's customer count. Delete its chats first with
 * `deleteCustomerChats`, or they would cascade away uncounted. Resolves to 0 or 1.
 */
export async function deleteCustomer(
  db: Queryable,
  organizationId: number,
  customerId: number,
): Promise<number> {
  const deleted = await db.run('DELETE FROM customers WHERE id = ? AND organization_id = ?', [
    customerId,
    organizationId,
  ])
  if (deleted > 0) await adjustCount(db, 'customers', organizationId, -deleted)
  return deleted
}
