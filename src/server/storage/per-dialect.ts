import type { Dialect } from './db.js'

/**
 * Memoizes SQL built for an engine's dialect: a repository writes its statements once per engine
 * with `perDialect((dialect) => ({ ... }))` and looks them up by `db.dialect` on each call.
 */
export function perDialect<T>(build: (dialect: Dialect) => T): (dialect: Dialect) => T {
  const built = new WeakMap<Dialect, T>()
  return (dialect) => {
    let value = built.get(dialect)
    if (value === undefined) {
      value = build(dialect)
      built.set(dialect, value)
    }
    return value
  }
}
