/**
 * Group commit for the embedded engine. A statement run outside an explicit transaction joins the
 * transaction of the current event-loop turn, opened by the turn's first statement and committed
 * once the turn's I/O callbacks have run (`setImmediate`). Each statement's promise settles only
 * when that commit has succeeded, so an answer built from it never goes out before what it wrote,
 * or read, is in the WAL: an acknowledged write survives the process being killed, as before. Every
 * request that an event-loop turn serves then shares one commit, with its file locks and WAL
 * write, instead of paying for one each.
 *
 * A statement that fails undoes only itself, as it would alone, and the others carry on; should a
 * failure end the whole transaction (disk full, I/O error), or the commit fail, every statement
 * of the turn is refused with that error, and none of them changed anything.
 */
export interface GroupSql {
  /**
   * Opens the group's transaction; false when it cannot be had at once (another process holds
   * the write lock): the turn's statements then run each on its own, as they would without groups.
   */
  begin(): boolean
  commit(): void
  rollback(): void
  /** Whether the connection is inside a transaction (it is not once a failure rolled it back). */
  inTransaction(): boolean
}

interface Group {
  readonly committed: Promise<void>
  /** Settles, never rejects, when the group has ended either way. */
  readonly ended: Promise<void>
  settle(error?: unknown): void
}

export class GroupCommit {
  private group: Group | null = null

  constructor(private readonly sql: GroupSql) {}

  /** Settles when the open group has ended; `null` when none is open. */
  get open(): Promise<void> | null {
    return this.group?.ended ?? null
  }

  /** Runs `work` (one statement) in the turn's group; resolves to its result once committed. */
  run<T>(work: () => T): Promise<T> {
    // null: the lock was taken elsewhere, and this statement runs on its own.
    const group = this.group ?? this.start()
    let result: T
    try {
      result = work()
    } catch (error) {
      if (group && !this.sql.inTransaction()) this.end(group, error)
      return Promise.reject(asError(error))
    }
    return group ? group.committed.then(() => result) : Promise.resolve(result)
  }

  private start(): Group | null {
    if (!this.sql.begin()) return null
    let settle!: (error?: unknown) => void
    const committed = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(asError(error)))
    })
    // Its statements' promises handle a refusal; this one must not count as unhandled.
    committed.catch(() => {})
    const group: Group = {
      committed,
      ended: committed.then(
        () => {},
        () => {},
      ),
      settle,
    }
    this.group = group
    setImmediate(() => this.end(group))
    return group
  }

  /** Commits the group, or ends it with `failure`: every statement of it is then refused. */
  private end(group: Group, failure?: unknown): void {
    // A group no longer current has ended already (a failure ended it before its turn did).
    if (this.group !== group) return
    this.group = null
    let error = failure
    if (error === undefined) {
      try {
        this.sql.commit()
      } catch (commitError) {
        error = commitError
      }
    }
    try {
      if (error !== undefined && this.sql.inTransaction()) this.sql.rollback()
    } finally {
      group.settle(error)
    }
  }
}

/** What was thrown, as an Error (better-sqlite3 only ever throws Errors; this keeps types honest). */
function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown))
}
