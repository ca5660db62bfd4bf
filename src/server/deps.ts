import type { Db } from './storage/db.js'

/** What the routes need from the outside world; tests pass their own clock. */
export interface AppDeps {
  readonly db: Db
  /** Epoch milliseconds. */
  readonly now: () => number
}

/** The current time as whole UNIX seconds, the unit every stored time uses. */
export function nowSeconds(deps: Pick<AppDeps, 'now'>): number {
  return Math.floor(deps.now() / 1000)
}
