/** How an `all` method pages: `limit` items a request (1-100, default 100). */
export interface PageOptions {
  readonly pageSize?: number
}

/** A list's answer as HelpCrunch's docs show one or the other: `{data, meta: {total}}`, `{data, total}`. */
export interface ListPage<T> {
  readonly data: readonly T[]
  readonly meta?: { readonly total?: number }
  readonly total?: number
}

/**
 * A list's total: `meta.total` (chats, the team) or `total` (customers, messages), as HelpCrunch's
 * docs show; where they leave a list's envelope open (chat search, older agents pages) either is
 * read, and `undefined` when the server sent neither.
 */
export function listTotal(page: ListPage<unknown>): number | undefined {
  return page.meta?.total ?? page.total
}

interface Page<T> {
  readonly items: readonly T[]
  /** `undefined` when the server sent none: the list then ends at a short page. */
  readonly total: number | undefined
}

/**
 * Iterates a list page by page with `offset`/`limit`, fetching the next page only when the
 * caller gets there; stops at the total or at a short page, whichever comes first.
 *
 * Each page is the list as it is when that page is asked for. Lists come newest first, so an item
 * added meanwhile (a live chat's new message) pushes the rest one place on, and the next page
 * would start with one already given: an item whose id was given already is skipped. One deleted
 * meanwhile pulls the rest back, and an item can be missed; only reading again finds it.
 */
export async function* pages<T extends { readonly id: number }>(
  options: PageOptions,
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  const limit = options.pageSize ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new RangeError('pageSize must be a whole number from 1 to 100')
  }
  const given = new Set<number>()
  for (let offset = 0; ; offset += limit) {
    const page = await fetchPage(offset, limit)
    const before = given.size
    for (const item of page.items) {
      if (given.has(item.id)) continue
      given.add(item.id)
      yield item
    }
    if (page.items.length < limit || offset + limit >= (page.total ?? Infinity)) return
    // A full page with nothing new: a server that ignores offset would go on for ever.
    if (given.size === before) return
  }
}
