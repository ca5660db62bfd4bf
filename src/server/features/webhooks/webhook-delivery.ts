import { createHmac } from 'node:crypto'
import { PACKAGE_VERSION } from '../../../version.js'
import type { DeliveryRow } from './webhook-queue.repository.js'

/**
 * One delivery as HelpCrunch sends one: a POST of the JSON envelope `{event, eventData, attempts,
 * lastAttemptAt, createdAt, id}` (reference section 7.2), with `X-HelpCrunch-Signature`, the hex
 * HMAC-SHA1 of the exact body keyed with the organization's signing key.
 */

/**
 * The body of an attempt: `attempts` counts the attempts before it; times are UNIX seconds. The
 * event's data is written compact, whichever engine built it (PostgreSQL's JSON text has spaces).
 */
export function envelope(delivery: DeliveryRow, now: number): string {
  const data = JSON.stringify(JSON.parse(delivery.event_data))
  return (
    `{"event":${JSON.stringify(delivery.event)},"eventData":${data},` +
    `"attempts":${delivery.attempts},"lastAttemptAt":${now},"createdAt":${delivery.created_at},` +
    `"id":${JSON.stringify(delivery.event_id)}}`
  )
}

/** `X-HelpCrunch-Signature` of a body. */
export function signature(body: string, key: string): string {
  return createHmac('sha1', key).update(body).digest('hex')
}

const USER_AGENT = `opencrunch/${PACKAGE_VERSION} (webhooks)`

/** What became of an attempt: delivered, failed (and why), or cut short by the server stopping. */
export type Outcome =
  { readonly delivered: true } | { readonly delivered: false; readonly error: string }

/**
 * Sends one attempt. A 2xx answer delivers it; any other answer (a redirect too), a network error
 * or no answer within `timeoutMs` fails it. `stop` aborting means the server is stopping: the
 * promise rejects with that reason, and the attempt does not count.
 */
export async function attempt(
  delivery: DeliveryRow,
  now: number,
  options: { fetch: typeof fetch; timeoutMs: number; stop: AbortSignal },
): Promise<Outcome> {
  if (delivery.signing_key === null) {
    return { delivered: false, error: 'the organization has no signing key' }
  }
  const body = envelope(delivery, now)
  let status: number
  try {
    const response = await options.fetch(delivery.url, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'x-helpcrunch-signature': signature(body, delivery.signing_key),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([options.stop, AbortSignal.timeout(options.timeoutMs)]),
    })
    status = response.status
    await response.body?.cancel()
  } catch (error) {
    if (options.stop.aborted) throw options.stop.reason
    return { delivered: false, error: describe(error, options.timeoutMs) }
  }
  return status >= 200 && status < 300
    ? { delivered: true }
    : { delivered: false, error: `answered ${status}` }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))
}
