import type { Queryable } from '../../storage/db.js'

const END_DUE_SNOOZES = `
UPDATE chats SET read_by_agent = 0, snoozed_until = NULL
WHERE snoozed_until IS NOT NULL AND snoozed_until <= ?`

/**
 * Ends every snooze due at `now` (UNIX seconds): as HelpCrunch documents, the chat becomes unread
 * for the agent side (its read position stays where it was) and is no longer snoozed. One
 * statement for all chats of all organizations; returns how many it woke.
 */
export function endDueSnoozes(db: Queryable, now: number): Promise<number> {
  return db.run(END_DUE_SNOOZES, [now])
}

export interface SnoozeClock {
  stop(): void
}

/**
 * Ends due snoozes now, then every `intervalMs`, whether or not anyone is asking: a snooze that
 * ended while the server was stopped is applied as soon as it starts. A failed sweep is logged and
 * tried again on the next tick.
 */
export async function startSnoozeClock(
  db: Queryable,
  nowSeconds: () => number,
  intervalMs: number,
  onError: (error: unknown) => void,
): Promise<SnoozeClock> {
  await endDueSnoozes(db, nowSeconds())
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    endDueSnoozes(db, nowSeconds())
      .catch(onError)
      .finally(() => (running = false))
  }, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
