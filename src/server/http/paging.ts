import { Errors } from '../errors.js'

/** Items per page when a client names none, and the most it may ask for. */
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 100

export interface Page {
  readonly limit: number
  readonly offset: number
}

/** `limit` (default 100, capped at 100) and `offset` (default 0) of a list request. */
export function page(query: { limit?: number | undefined; offset?: number | undefined }): Page {
  return {
    limit: Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT),
    offset: query.offset ?? 0,
  }
}

/** `limit` and `offset` of a search body, where each may also come as a numeric string. */
export function pageOf(body: {
  limit?: number | string | undefined
  offset?: number | string | undefined
}): Page {
  return page({
    limit: body.limit === undefined ? undefined : Number(body.limit),
    offset: body.offset === undefined ? undefined : Number(body.offset),
  })
}

export type Order = 'asc' | 'desc'

export interface Sort<F extends string> {
  readonly field: F
  readonly order: Order
}

/**
 * Reads `sort` and `order`: the field with or without its resource prefix (`chats.createdAt` or
 * `createdAt`), the order in any case. An unknown value is a 400 naming the parameter.
 */
export function sortBy<F extends string>(
  query: { sort?: string | undefined; order?: string | undefined },
  prefix: string,
  fields: readonly F[],
  fallback: Sort<F>,
): Sort<F> {
  let field = fallback.field
  if (query.sort !== undefined) {
    const name = query.sort.startsWith(`${prefix}.`)
      ? query.sort.slice(prefix.length + 1)
      : query.sort
    const known = fields.find((candidate) => candidate === name)
    if (known === undefined) throw invalidChoice('sort')
    field = known
  }
  let order = fallback.order
  if (query.order !== undefined) {
    const lowered = query.order.toLowerCase()
    if (lowered !== 'asc' && lowered !== 'desc') throw invalidChoice('order')
    order = lowered
  }
  return { field, order }
}

function invalidChoice(field: string) {
  return Errors.validation([{ field, message: 'The value you selected is not a valid choice.' }])
}

/** An id as a client sent it (integer or numeric string), as a number. */
export function toId(value: number | string): number {
  return typeof value === 'number' ? value : Number(value)
}

/** An optional id as a client sent it (absent or `null` for none), as a number or `null`. */
export function toOptionalId(value: number | string | null | undefined): number | null {
  return value == null ? null : toId(value)
}
