import { randomBytes } from 'node:crypto'
import type { Queryable } from '../../storage/db.js'
import { MESSAGE_EVENTS } from './message-events.js'
import { findSigningKey, findWebhook, insertWebhook, setSigningKey } from './webhooks.repository.js'

/**
 * The events opencrunch sends (decisions section 4, extensions): a side's read flag turned true
 * (`read_by_*`) or false (`unread_by_*`), whatever turned it: a mark-read call, a message, a
 * snooze ending.
 */
export const READ_EVENTS = [
  'chat.read_by_agent',
  'chat.unread_by_agent',
  'chat.read_by_customer',
  'chat.unread_by_customer',
] as const
export type ReadEvent = (typeof READ_EVENTS)[number]

/** Every event a webhook can take: the read changes, and HelpCrunch's message events. */
export const WEBHOOK_EVENTS = [...READ_EVENTS, ...MESSAGE_EVENTS] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/** Why `url` cannot take webhooks, in words a person can act on; null when it can. */
export function urlProblem(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `"${url}" is not a URL: give a whole one, such as https://example.com/helpcrunch.`
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `"${url}" is not an http:// or https:// URL.`
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // fetch refuses them, and `webhooks list` would show the password.
    return 'A webhook URL may not hold a user name or password; a receiver checks the signature.'
  }
  return null
}

/**
 * A URL as it is stored, so that one endpoint has one spelling: `https://EXAMPLE.com:443/x` and
 * `https://example.com/x` are one URL. Only for a URL `urlProblem` passed.
 */
export function normalUrl(url: string): string {
  return new URL(url).href
}

/** Why `event` cannot be sent; null when it can. */
function eventProblem(event: string): string | null {
  return (WEBHOOK_EVENTS as readonly string[]).includes(event)
    ? null
    : `"${event}" is not an event opencrunch sends; it sends ${WEBHOOK_EVENTS.join(', ')}.`
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
 * Adds a webhook for each of `events` (each once) at the URL `given` (stored as `normalUrl` spells
 * it), after checking them all, and gives
 * the organization a signing key if it has none. Throws an `Error` naming the first problem,
 * among them a webhook the organization already has. Returns the new webhooks' ids, in order.
 */
export async function addWebhooks(
  db: Queryable,
  organizationId: number,
  events: readonly string[],
  given: string,
  now: number,
): Promise<number[]> {
  const wanted = [...new Set(events)]
  for (const problem of [...wanted.map(eventProblem), urlProblem(given)]) {
    if (problem !== null) throw new Error(problem)
  }
  const url = normalUrl(given)
  for (const event of wanted) {
    const existing = await findWebhook(db, organizationId, event, url)
    if (existing !== undefined) {
      throw new Error(`Webhook ${existing.id} already sends ${event} to ${url}.`)
    }
  }
  await ensureSigningKey(db, organizationId)
  const ids: number[] = []
  for (const event of wanted) {
    ids.push(await insertWebhook(db, { organizationId, event, url, createdAt: now }))
  }
  return ids
}
