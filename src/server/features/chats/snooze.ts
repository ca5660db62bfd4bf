import type { Db } from '../../storage/db.js'

const DUE = 'snoozed_until IS NOT NULL AND snoozed_until <= ?'

const MARK_DUE_UNREAD = `
UPDATE chat_read_states SET read_by_agent = 0
WHERE chat_id IN (SELECT id FROM chats WHERE ${DUE})`

const END_DUE = `UPDATE chats SET snoozed_until = NULL WHERE ${DUE}`

/**
 * Ends every snooze due at `now` (UNIX seconds): as HelpCrunch documents, the chat becomes unread
 * for the agent side (its read position stays where it was) and is no longer snoozed. Two
 * statements for all chats of all organizations, in one transaction; returns how many it woke.
 */
export async function endDueSnoozes(db: Db, now: number): Promise<number> {
  // Most seconds nothing is due: one look at the first entry of the snooze index, and nothing
  // written. Asked as MIN, not as a range (`snoozed_until <= ?`): on SQLite, a range on that
  // partial index, run after other writes, cost 14-60 ms at a million chats (measured; the
  // server's p99 spiked once a second), where MIN reads one index page.
  const { due } = (await db.get<{ due: number | null }>(
    'SELECT MIN(snoozed_until) AS due FROM chats WHERE snoozed_until IS NOT NULL',
  ))!
  if (due === null || due > now) return 0
  return db.transaction(async (tx) => {
    await tx.run(MARK_DUE_UNREAD, [now])
    return tx.run(END_DUE, [now])
  })
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
  db: Db,
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
