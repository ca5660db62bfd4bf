import { startSqliteThread, type SqliteThread } from './sqlite-thread.js'

/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever write
 * crosses the threshold: it copies up to a thousand pages into the database file and syncs it,
 * stalling that request and every one queued behind it on the event loop. This worker thread has
 * its own connection and checkpoints every `intervalMs` instead (PASSIVE: it never blocks a
 * writer), so requests only ever append to the WAL.
 *
 * A WAL only starts over from its beginning when a write finds every frame of it already copied.
 * Under writes that never pause, one pass always ends behind the last commit, and the WAL would
 * grow until SQLite's own fallback checkpoint took over inside the writes (a 60-90 ms stall each
 * time, in the bench's mixed load on 1,000,000 chats). So each round repeats the pass, every
 * repeat copying only what came in during the one before, until a pass finds nothing new: the
 * WAL is then wholly copied, and the next write starts it over. Writes that never pause for as
 * long as a short pass takes still outrun it: after `MAX_PASSES`, once the WAL holds at least
 * `CATCH_UP_FRAMES` frames, the worker says so, and the writer copies the few frames left itself
 * before its next transaction (SqliteDb), when it knows nothing is being written. That catch-up
 * ends with a sync of the database file on the event loop, a pause of several milliseconds on a
 * large database: the threshold lets the WAL grow for a second or two of heavy writes first, so
 * the pause comes about once in that time rather than after every round.
 *
 * No checkpoint copies a frame written after a read on another connection began, and no write
 * starts the WAL over while such a read goes on. Searches that follow each other on the reader
 * thread would so hold the WAL back for good, until the fallback checkpoint ran inside every
 * write (stalls of over 100 ms on a million chats): the reader gives way to the catch-up
 * between two reads (sqlite-reader.ts).
 */

/**
 * JavaScript that defines, on a thread's connection `db`, `copyWal()`: PASSIVE checkpoints until
 * one finds nothing new, at most `MAX_PASSES`. It answers 0 once the WAL is wholly copied (or
 * another connection's checkpoint was running), else how many frames it held at the last pass:
 * the passes ran out still behind the writes, or a read on another connection held them back.
 * Each pass copies what came in during the one before, so the frames left for the writer's
 * catch-up shrink with every pass: 10 rather than 5 took mark-read's p99 on 1,000,000 chats from
 * 5.0 to 4.5 ms at the median of 11 alternating pairs, better in 10 (docs/performance.md, the
 * catch-up round). The reader thread runs it too (sqlite-reader.ts).
 */
export const COPY_WAL_SOURCE = `
const copyWal = () => {
  const MAX_PASSES = 10
  let frames = -1
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const [{ busy, log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)')
    if (busy) return 0
    // Nothing new: the WAL is wholly copied, or a read on another connection holds it back.
    if (log === frames) return checkpointed === log ? 0 : log
    frames = log
  }
  return frames
}
`

/**
 * Frames (64 MB of 4 KB pages) the WAL must hold before the writer is asked to catch up. Asking
 * after every round, about five times a second on 1,000,000 chats under the bench's load, held
 * mark-read's p99 at 8.6 ms there, the median of 11 alternating pairs; with this threshold, 5.5
 * ms (the same round).
 */
export const CATCH_UP_FRAMES = 16384

// The thread's part (sqlite-thread.ts gives it `db`, `workerData` and `handlers`).
const BODY = `
db.pragma('busy_timeout = 1000')
${COPY_WAL_SOURCE}
const checkpoint = () => {
  try {
    if (copyWal() >= workerData.catchUpFrames) parentPort.postMessage({ behind: true })
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) })
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
handlers.stop = () => {
  clearInterval(timer)
  checkpoint()
}
`

export type Checkpointer = Pick<SqliteThread, 'stop'>

/**
 * Starts the checkpoint thread for the database file at `path`. `onBehind` is called when its
 * passes left at least `catchUpFrames` frames in the WAL: they could not catch up with the
 * writes. Its `stop` checkpoints once more, closes the thread's connection and ends it.
 */
export function startCheckpointer(
  path: string,
  intervalMs: number,
  catchUpFrames: number,
  onError: (message: string) => void,
  onBehind: () => void,
): Checkpointer {
  return startSqliteThread(
    path,
    BODY,
    { intervalMs, catchUpFrames },
    {
      message: (message: { error?: string; behind?: boolean }) => {
        if (message.error) onError(message.error)
        if (message.behind) onBehind()
      },
      error: (error) => onError(error.message),
    },
  )
}
