/** How an `all` method pages: `limit` items a request (1-100, default 100). */
export interface PageOptions {
  readonly pageSize?: number
}

interface Page<T> {
  readonly items: readonly T[]
  readonly total: number
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
    for (const item of page.items) {
      if (given.has(item.id)) continue
      given.add(item.id)
      yield item
    }
    if (page.items.length < limit || offset + limit >= page.total) return
  }
}
