/** SQL text and values between the portable form the repositories write and what `pg` takes. */

/**
 * The statement with its `?` placeholders numbered `$1`, `$2`, ... as PostgreSQL wants them.
 * A `?` inside a quoted string or identifier is left alone.
 */
export function numbered(sql: string): string {
  let n = 0
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (match) =>
    match === '?' ? `$${++n}` : match,
  )
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
