import type { Worker } from 'node:worker_threads'
import type { Dialect, Reader, SqlValue } from './db.js'
import { COPY_WAL_SOURCE } from './sqlite-checkpointer.js'
import { startSqliteThread, type SqliteThread } from './sqlite-thread.js'

/**
 * Long reads off the event loop. better-sqlite3 runs a statement to its end on the thread that
 * calls it, so on the server's own connection a search over a million chats (a few hundred
 * milliseconds) would hold every other request, every inbox's mark-read among them, until it
 * ended. This worker thread has a connection of its own and runs the queries it is handed one
 * after another while the event loop goes on answering.
 *
 * It reads what is committed when each statement starts, as any second connection to a WAL
 * database does: every acknowledged write, since a write is answered only once committed (group
 * commit), and never a write of the current turn that is not. Its connection is `query_only`.
 *
 * The thread runs at a lower scheduling priority than the server's own (a nice value of
 * `READ_NICE`), so where the two share a core an inbox's requests come first and a search takes
 * what they leave; on an idle core it runs as fast as it would anywhere.
 *
 * It gives way to the writer's WAL catch-up (sqlite-checkpointer.ts). A read holds back every
 * frame written since it began, and searches on a million chats follow one another with no time
 * between them, so the WAL would only start over by luck. When the catch-up is due, the thread
 * stops before its next read (at once, if it has none under way): it copies what it can of the
 * WAL first, no read of its own holding it back any more, then waits, at most `GIVE_WAY_MS`,
 * while the writer copies the rest before its next turn.
 */

/** The nice value of the reader thread: the event loop's requests take the core first. */
const READ_NICE = 5

/**
 * The reader connection's page cache, in KiB. The build's default (16 MB, which the server's own
 * connection keeps) would hold a second copy of the pages both read: with it, one client
 * searching a million chats raised the server's peak RSS by about 10 MB; with 4 MB it stayed
 * where it was without the thread, for about a tenth of the searches' speed (docs/performance.md,
 * the reader round).
 */
const READ_CACHE_KB = 4000

/**
 * How long the thread waits for the writer's catch-up before it reads on: the catch-up comes
 * before the writer's next turn, within a millisecond under the writes that call for it. The wait
 * only runs out when the writes stop first, and then nothing needs catching up.
 */
const GIVE_WAY_MS = 50

/** The gate's two flags (`Int32Array` slots), shared with the thread. */
const STOP = 0
const STOPPED = 1

// The thread's part (sqlite-thread.ts gives it `db`, `workerData` and `handlers`).
const body = (functions: string) => `
const { setPriority } = require('node:os')
${COPY_WAL_SOURCE}
const gate = new Int32Array(workerData.gate)
// When the writer's catch-up asks for it, between two reads: the WAL's frames, what it can of
// them, then a wait until the writer has copied the rest. Should the writer not come, it will
// ask again on its next turn.
const giveWay = () => {
  if (Atomics.load(gate, ${STOP}) === 0) return
  try {
    copyWal()
  } catch {
    // The writer's catch-up meets the same fault.
  }
  Atomics.store(gate, ${STOPPED}, 1)
  const waited = Atomics.wait(gate, ${STOP}, 1, workerData.giveWayMs)
  Atomics.store(gate, ${STOPPED}, 0)
  if (waited === 'timed-out') Atomics.store(gate, ${STOP}, 0)
}
db.pragma('query_only = ON')
db.pragma('cache_size = ' + workerData.cacheKb * -1)
db.pragma('busy_timeout = 5000')
${functions}
try {
  // The calling thread only, on Linux, where the nice value is a thread's own.
  setPriority(0, workerData.nice)
} catch {
  // Not allowed here: the thread runs at the server's priority.
}
const statements = new Map()
const statement = (sql) => {
  let found = statements.get(sql)
  if (!found) {
    found = db.prepare(sql)
    // Searches build their SQL from their filters: keep the cache from growing without end.
    if (statements.size >= workerData.statementCacheSize) statements.clear()
    statements.set(sql, found)
  }
  return found
}
handlers.message = ({ id, kind, sql, params, giveWay: asked }) => {
  giveWay()
  if (asked) return
  try {
    const prepared = statement(sql)
    const rows = kind === 'all' ? prepared.all(...params) : prepared.get(...params)
    parentPort.postMessage({ id, rows })
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message || error), code: error && error.code } })
  }
}
`

/** A query handed to the thread, waiting for its rows. */
interface Pending {
  resolve(rows: unknown): void
  reject(error: Error): void
}

/** What the thread answers a query with. */
interface Answer {
  readonly id: number
  readonly rows?: unknown
  readonly error?: { readonly message: string; readonly code?: string }
}

/** What the reader's thread is started with, besides its file. */
export interface SqliteReaderOptions {
  /** JavaScript that registers on `db` the SQL functions every connection has (see sqlite.ts). */
  readonly functions: string
  /** Prepared statements kept, as the server's own connection keeps them. */
  readonly statementCacheSize: number
  /** The longest the thread waits for the writer's catch-up (default `GIVE_WAY_MS`). */
  readonly giveWayMs?: number
}

/**
 * The reader thread of the database file at `path`. It starts on the first query, and again
 * after one that died.
 */
export class SqliteReader implements Reader {
  private thread: SqliteThread | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private closed = false
  private closing: Promise<void> | null = null
  /** Called once no query is waiting, when `close` waits for that. */
  private onIdle: (() => void) | null = null
  /** `STOP`: the writer asks the thread to stop before its next read; `STOPPED`: it has. */
  private readonly gate = new Int32Array(new SharedArrayBuffer(8))

  constructor(
    readonly dialect: Dialect,
    private readonly path: string,
    private readonly options: SqliteReaderOptions,
  ) {}

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.ask('all', sql, params) as Promise<T[]>
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.ask('get', sql, params) as Promise<T | undefined>
  }

  /**
   * For the writer's catch-up: whether the thread has stopped reading (or never started), so
   * that a checkpoint can copy the whole WAL. If not, it is asked to: it copies what it can of
   * the WAL once its read under way, if any, has ended, then waits until `readOn`. The writer
   * asks again on its next turn.
   */
  stopReading(): boolean {
    const thread = this.thread
    if (thread === null || Atomics.load(this.gate, STOPPED) === 1) return true
    if (Atomics.exchange(this.gate, STOP, 1) === 0) thread.worker.postMessage({ giveWay: true })
    return false
  }

  /** Lets the thread read on after `stopReading`. */
  readOn(): void {
    Atomics.store(this.gate, STOPPED, 0)
    Atomics.store(this.gate, STOP, 0)
    Atomics.notify(this.gate, STOP)
  }

  /** Lets the queries asked for finish, then closes the thread's connection and ends it. */
  close(): Promise<void> {
    this.closing ??= this.stop()
    return this.closing
  }

  private async stop(): Promise<void> {
    this.closed = true
    this.readOn()
    const thread = this.thread
    if (this.pending.size > 0) await new Promise<void>((resolve) => (this.onIdle = resolve))
    await thread?.stop()
  }

  private ask(kind: 'all' | 'get', sql: string, params: readonly SqlValue[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The database is closed.'))
    const { worker } = (this.thread ??= this.start())
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      // While a query waits, the thread keeps the process alive to answer it.
      if (this.pending.size === 1) worker.ref()
      try {
        worker.postMessage({ id, kind, sql, params })
      } catch (error) {
        this.settled(worker, id)
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  }

  private start(): SqliteThread {
    // A thread that dies (out of memory, say) fails the queries it held; the next one starts
    // another. One stopped by `close` holds none. A thread reports its death twice ('error',
    // then 'exit'), and a query may have started the next thread in between: only the current
    // thread's death fails what is waiting.
    const died = (error: Error) => {
      if (this.thread !== thread) return
      this.thread = null
      this.failAll(error)
    }
    const thread: SqliteThread = startSqliteThread(
      this.path,
      body(this.options.functions),
      {
        nice: READ_NICE,
        cacheKb: READ_CACHE_KB,
        gate: this.gate.buffer,
        giveWayMs: this.options.giveWayMs ?? GIVE_WAY_MS,
        statementCacheSize: this.options.statementCacheSize,
      },
      {
        message: (answer: Answer) => this.answer(thread.worker, answer),
        error: died,
        exit: (code) => died(new Error(`The SQLite reader thread stopped (exit code ${code}).`)),
      },
    )
    return thread
  }

  private answer(worker: Worker, { id, rows, error }: Answer): void {
    const pending = this.settled(worker, id)
    // The driver's message and SQLite's code, as the server's own connection would raise them.
    if (error) pending?.reject(Object.assign(new Error(error.message), { code: error.code }))
    else pending?.resolve(rows)
    if (this.pending.size === 0) this.onIdle?.()
  }

  /** Takes query `id` off the waiting list, and lets the process exit once none waits. */
  private settled(worker: Worker, id: number): Pending | undefined {
    const pending = this.pending.get(id)
    this.pending.delete(id)
    if (pending && this.pending.size === 0) worker.unref()
    return pending
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()]
    this.pending.clear()
    for (const pending of waiting) pending.reject(error)
    this.onIdle?.()
  }
}
