/** SQL text and values between the portable form the repositories write and what `pg` takes. */

const numberedCache = new Map<string, string>()
const NUMBERED_CACHE_SIZE = 2000

/**
 * The statement with its `?` placeholders numbered `$1`, `$2`, ... as PostgreSQL wants them.
 * A `?` inside a quoted string or identifier is left alone. Built once per statement text.
 */
export function numbered(sql: string): string {
  let text = numberedCache.get(sql)
  if (text === undefined) {
    let n = 0
    text = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (match) =>
      match === '?' ? `$${++n}` : match,
    )
    if (numberedCache.size >= NUMBERED_CACHE_SIZE) numberedCache.clear()
    numberedCache.set(sql, text)
  }
  return text
}

/**
 * JSON text without the spaces PostgreSQL puts between keys, values and elements
 * (`{"a" : 1, "b" : [1, 2]}`), so it reads byte for byte as SQLite's `{"a":1,"b":[1,2]}`. Strings
 * are kept whole; nothing is parsed, so key order and number spelling stay as built.
 */
export function compactJson(text: string): string {
  return text.replace(
    /("(?:[^"\\]|\\.)*")|\s+/g,
    (_match, string: string | undefined) => string ?? '',
  )
}
