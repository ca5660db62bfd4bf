import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * A worker thread with a connection of its own to a SQLite file: what the checkpointer and the
 * reader are each built on. `body` is plain JavaScript, run by the thread as given so that the
 * same code serves the build and the tests. It finds `parentPort`, `workerData` and the open
 * connection `db`, answers messages by setting `handlers.message`, and may set `handlers.stop`
 * to do a last piece of work before the connection closes.
 */
const source = (body: string) => `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path)
const handlers = { message: () => {}, stop: () => {} }
${body}
parentPort.on('message', (message) => {
  if (message !== 'stop') return handlers.message(message)
  handlers.stop()
  db.close()
  parentPort.close()
})
`

const driver = createRequire(import.meta.url).resolve('better-sqlite3')

export interface SqliteThread {
  readonly worker: Worker
  /**
   * Runs the thread's last work, closes its connection and ends it, keeping the process alive
   * until then: a server stopping exits once nothing holds it, and the database's own last
   * checkpoint comes after. At once for a thread that has exited already.
   */
  stop(): Promise<void>
}

/** What a thread reports to the one that started it. */
export interface SqliteThreadListeners<M> {
  readonly message?: (message: M) => void
  readonly error?: (error: Error) => void
  readonly exit?: (code: number) => void
}

/**
 * Starts a thread running `body` on its own connection to the SQLite file at `path`, with `data`
 * in its `workerData`. The thread does not hold the process open (its listeners are attached
 * first, since one attached later would hold it again); a caller that waits on it refs it while
 * it does.
 */
export function startSqliteThread<M>(
  path: string,
  body: string,
  data: Readonly<Record<string, unknown>>,
  listeners: SqliteThreadListeners<M>,
): SqliteThread {
  const worker = new Worker(source(body), {
    eval: true,
    workerData: { ...data, path, driver },
  })
  let running = true
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      running = false
      resolve()
    }),
  )
  if (listeners.message) worker.on('message', listeners.message)
  if (listeners.error) worker.on('error', listeners.error)
  if (listeners.exit) worker.on('exit', listeners.exit)
  worker.unref()
  let stopping: Promise<void> | undefined
  return {
    worker,
    stop() {
      if (!stopping) {
        if (running) {
          worker.ref()
          worker.postMessage('stop')
        }
        stopping = exited
      }
      return stopping
    },
  }
}
