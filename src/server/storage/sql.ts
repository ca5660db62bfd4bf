const lists = new Map<number, string>()

/** `?, ?, ?` for `count` values of an `IN (...)` list; built once per count. */
export function placeholders(count: number): string {
  let list = lists.get(count)
  if (list === undefined) {
    list = Array.from({ length: count }, () => '?').join(', ')
    lists.set(count, list)
  }
  return list
}
