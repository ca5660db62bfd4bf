import { randomBytes } from 'node:crypto'
import type { Queryable } from '../../storage/db.js'
import { findSigningKey, insertWebhook, setSigningKey } from './webhooks.repository.js'

/**
 * The events opencrunch sends (decisions section 4, extensions): a side's read flag turned true
 * (`read_by_*`) or false (`unread_by_*`), whatever turned it: a mark-read call, a message, a
 * snooze ending. HelpCrunch's own webhook events are not sent yet.
 */
export const READ_EVENTS = [
  'chat.read_by_agent',
  'chat.unread_by_agent',
  'chat.read_by_customer',
  'chat.unread_by_customer',
] as const
export type ReadEvent = (typeof READ_EVENTS)[number]

/** Why a webhook cannot be added, in words a person can act on; null when it can. */
export function webhookProblem(event: string, url: string): string | null {
  if (!(READ_EVENTS as readonly string[]).includes(event)) {
    return `"${event}" is not an event opencrunch sends; it sends ${READ_EVENTS.join(', ')}.`
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `"${url}" is not a URL: give a whole one, such as https://example.com/helpcrunch.`
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `"${url}" is not an http:// or https:// URL.`
  }
  return null
}

/**
 * A new signing key: 40 hex characters, the shape of HelpCrunch's "HTTP Webhook Signing Key"
 * (160 random bits, as much as the HMAC-SHA1 it keys can use).
 */
export function generateSigningKey(): string {
  return randomBytes(20).toString('hex')
}

/** The organization's signing key, made and stored first if it has none. */
export async function ensureSigningKey(db: Queryable, organizationId: number): Promise<string> {
  const key = await findSigningKey(db, organizationId)
  if (key !== null) return key
  const made = generateSigningKey()
  await setSigningKey(db, organizationId, made)
  return made
}

/**
 * Adds a webhook for each of `events` at `url`, after checking them all, and gives the
 * organization a signing key if it has none. Throws an `Error` naming the first problem.
 * Returns the new webhooks' ids, in the order of `events`.
 */
export async function addWebhooks(
  db: Queryable,
  organizationId: number,
  events: readonly string[],
  url: string,
  now: number,
): Promise<number[]> {
  for (const event of events) {
    const problem = webhookProblem(event, url)
    if (problem !== null) throw new Error(problem)
  }
  await ensureSigningKey(db, organizationId)
  const ids: number[] = []
  for (const event of events) {
    ids.push(await insertWebhook(db, { organizationId, event, url, createdAt: now }))
  }
  return ids
}
