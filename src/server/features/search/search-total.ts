import type { Reader, SqlValue } from '../../storage/db.js'
import { COUNT_IN_ORGANIZATION } from '../scoped.repository.js'

/** A query whose one row has one column, `total`, with its parameters. */
export interface TotalQuery {
  readonly sql: string
  readonly params: readonly SqlValue[]
}

/**
 * How many rows a search matches: those of its FROM and WHERE clause `filtered`, or, for a search
 * with no filter (`null`), the organization's count of `table`, kept as it is written.
 */
export function totalQuery(
  table: 'chats' | 'customers',
  organizationId: number,
  filtered: { readonly sql: string; readonly params: readonly SqlValue[] } | null,
): TotalQuery {
  return filtered
    ? { sql: `SELECT count(*) AS total ${filtered.sql}`, params: filtered.params }
    : { sql: COUNT_IN_ORGANIZATION(table), params: [organizationId] }
}

/**
 * A search's total, asked for as a subquery of its page's own statement, so that the page and its
 * total come from one snapshot (a write committed between two statements would make them
 * disagree): the `total` column the page's rows carry; 0 for an empty first page; and for an
 * empty page further on, which has no row to carry it, the query run alone.
 */
export async function totalOf(
  db: Reader,
  rows: ReadonlyArray<{ readonly total: number | string }>,
  offset: number,
  query: TotalQuery,
): Promise<number> {
  if (rows.length > 0) return Number(rows[0]!.total)
  if (offset === 0) return 0
  const row = await db.get<{ total: number | string }>(query.sql, query.params)
  return Number(row?.total ?? 0)
}
