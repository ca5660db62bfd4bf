import { Errors, type Entity } from '../errors.js'
import type { Page } from '../http/paging.js'
import type { Db, Queryable, Reader } from '../storage/db.js'

/** Tables whose rows belong to one organization through their `organization_id`. */
export type ScopedTable = 'agents' | 'applications' | 'departments' | 'customers' | 'chats'

/**
 * A query of how many rows of `table` an organization (its one parameter) has, as column `total`.
 * Chats and customers are counted as they are written (migration 002); the rest are few.
 */
export const COUNT_IN_ORGANIZATION = (table: ScopedTable) =>
  table === 'chats' || table === 'customers'
    ? `SELECT ${table === 'chats' ? 'chat_count' : 'customer_count'} AS total FROM organizations WHERE id = ?`
    : `SELECT count(*) AS total FROM ${table} WHERE organization_id = ?`
const EXISTS = (table: ScopedTable) =>
  `SELECT id FROM ${table} WHERE id = ? AND organization_id = ?`

/** How many rows of `table` the organization has. */
export async function countInOrganization(
  db: Reader,
  table: ScopedTable,
  organizationId: number,
): Promise<number> {
  const row = await db.get<{ total: number | string }>(COUNT_IN_ORGANIZATION(table), [
    organizationId,
  ])
  return Number(row?.total ?? 0)
}

/** Where a search of the organization's chats or customers runs: by how many (`Db.readerFor`). */
export async function readerOver(
  db: Db,
  table: 'chats' | 'customers',
  organizationId: number,
): Promise<Reader> {
  return db.readerFor(await countInOrganization(db, table, organizationId))
}

/** Where a list's page runs: it reads the rows it skips and those it returns (`Db.readerFor`). */
export function readerForPage(db: Db, page: Page): Reader {
  return db.readerFor(page.offset + page.limit)
}

/**
 * Whether row `id` of `table` exists and belongs to the organization; `lock` also locks the row,
 * unchanged, until the transaction ends.
 */
export async function existsInOrganization(
  db: Queryable,
  table: ScopedTable,
  organizationId: number,
  id: number,
  lock = false,
): Promise<boolean> {
  const sql = EXISTS(table) + (lock ? db.dialect.forUpdate : '')
  return (await db.get(sql, [id, organizationId])) !== undefined
}

/** Adds `delta` to the organization's count of chats or customers, in the caller's transaction. */
export function adjustCount(
  db: Queryable,
  table: 'chats' | 'customers',
  organizationId: number,
  delta: number,
): Promise<number> {
  const column = table === 'chats' ? 'chat_count' : 'customer_count'
  return db.run(`UPDATE organizations SET ${column} = ${column} + ? WHERE id = ?`, [
    delta,
    organizationId,
  ])
}

/**
 * Throws the 404 "<Entity> not found" unless row `id` of `table` belongs to the organization;
 * a `null` id refers to nothing and passes. `lock` locks the row found, as `existsInOrganization`.
 */
export async function requireInOrganization(
  db: Queryable,
  table: ScopedTable,
  organizationId: number,
  id: number | null,
  entity: Entity,
  lock = false,
): Promise<void> {
  if (id !== null && !(await existsInOrganization(db, table, organizationId, id, lock))) {
    throw Errors.notFound(entity)
  }
}
