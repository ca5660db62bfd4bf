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
 */
export async function* pages<T>(
  options: PageOptions,
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  const limit = options.pageSize ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new RangeError('pageSize must be a whole number from 1 to 100')
  }
  for (let offset = 0; ; offset += limit) {
    const page = await fetchPage(offset, limit)
    yield* page.items
    if (page.items.length < limit || offset + limit >= page.total) return
  }
}
