import { ConnectionError, HelpCrunchError, RateLimitError, type ErrorEntry } from './errors.js'

/** HelpCrunch's own API. */
export const HELPCRUNCH_BASE_URL = 'https://api.helpcrunch.com/v1'

export interface ClientOptions {
  /** The organization's API key (HelpCrunch: Settings -> Developers -> REST API). */
  readonly apiKey: string
  /** Default HelpCrunch's own, `https://api.helpcrunch.com/v1`; an opencrunch server's `.../v1`. */
  readonly baseUrl?: string
  /**
   * How many times a request answered 429 is sent again, after waiting the `Retry-After` the
   * server gave (default 2; 0 throws `RateLimitError` at once). A 429 means the server did not
   * act on the request, so any request may be sent again.
   */
  readonly maxRetries?: number
  /** The longest single wait for a `Retry-After`, in ms (default 60 000); a longer one throws. */
  readonly maxRetryWaitMs?: number
  /**
   * Called before each wait for a `Retry-After`, with the wait in seconds and the retry it leads
   * to (1 for the first): a command line tells its user why it is quiet.
   */
  readonly onRetry?: (waitSeconds: number, retry: number) => void
  /**
   * How long one attempt may wait for its whole answer, in ms (default 30 000; 0 waits as long
   * as `fetch` does). One that runs out throws `ConnectionError`: the server may have acted.
   */
  readonly timeoutMs?: number
  /** Aborts every request in flight and every wait for a `Retry-After` (a shutdown, say). */
  readonly signal?: AbortSignal
  /** The `fetch` to use; the global one by default. */
  readonly fetch?: typeof fetch
}

/**
 * The wait after a 429 that says neither `Retry-After` nor `X-RateLimit-Reset`, in seconds:
 * HelpCrunch documents neither header, and its limit counts per minute, so a second would only
 * spend the retries.
 */
const UNSAID_RETRY_AFTER_SECONDS = 5

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Under the base URL, from `/`: `/chats/5208`. */
  readonly path: string
  readonly query?: Readonly<Record<string, string | number | undefined>>
  readonly body?: unknown
}

/** Sends requests with the key, turns error answers into typed errors, and waits out 429s. */
export class Transport {
  private readonly baseUrl: string
  private readonly maxRetries: number
  private readonly maxRetryWaitMs: number
  private readonly timeoutMs: number
  private readonly fetch: typeof fetch

  constructor(private readonly options: ClientOptions) {
    if (!options.apiKey) throw new TypeError('createClient needs an apiKey')
    this.baseUrl = (options.baseUrl ?? HELPCRUNCH_BASE_URL).replace(/\/+$/, '')
    this.maxRetries = options.maxRetries ?? 2
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000
    this.timeoutMs = options.timeoutMs ?? 30_000
    // Timers hold at most 2^31 - 1 ms; past it Node fires them at once, or refuses them.
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs < 0 || this.timeoutMs > 2 ** 31 - 1) {
      throw new RangeError('timeoutMs must be a whole number of ms from 0 to 2147483647')
    }
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  }

  async request<T>(spec: RequestSpec): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const { response, payload } = await this.send(spec)
      const requestId = response.headers.get('x-request-id')
      if (response.ok) return payload as T
      const errors = errorsOf(payload, response.status)
      if (response.status !== 429) throw new HelpCrunchError(response.status, errors, requestId)
      const retryAfter = retryAfterSeconds(response.headers)
      if (attempt >= this.maxRetries || retryAfter * 1000 > this.maxRetryWaitMs) {
        throw new RateLimitError(errors, retryAfter, requestId)
      }
      this.options.onRetry?.(retryAfter, attempt + 1)
      await this.wait(retryAfter * 1000)
    }
  }

  /** Waits `ms`, or rejects with `ConnectionError` as soon as the client's signal aborts. */
  private wait(ms: number): Promise<void> {
    const signal = this.options.signal
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stopListening()
        resolve()
      }, ms)
      const stopListening = onAbort(signal, () => {
        clearTimeout(timer)
        reject(new ConnectionError('Aborted while waiting out a 429.', { cause: signal?.reason }))
      })
    })
  }

  /** One attempt: the answer and its body, read within the timeout. */
  private async send(spec: RequestSpec): Promise<{ response: Response; payload: unknown }> {
    const url = new URL(this.baseUrl + spec.path)
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value))
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: 'application/json',
    }
    if (spec.body !== undefined) headers['content-type'] = 'application/json'
    // One controller an attempt, aborted by the timeout or the client's signal and let go of
    // once the body is read: a signal combined per request with a long-lived one
    // (`AbortSignal.any`) stays referenced by it on Node 20.
    const controller = new AbortController()
    let timedOut = false
    const timer =
      this.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true
            controller.abort()
          }, this.timeoutMs)
        : undefined
    const outer = this.options.signal
    const stopListening = onAbort(outer, () => controller.abort(outer?.reason))
    const unanswered = (error: unknown) =>
      new ConnectionError(
        timedOut
          ? `${spec.method} ${spec.path} got no answer within ${this.timeoutMs} ms (timeoutMs). ` +
              'It was sent, so the server may have acted.'
          : controller.signal.aborted
            ? `${spec.method} ${spec.path} was aborted by the client's signal; the server may ` +
              'have acted.'
            : `${spec.method} ${spec.path} broke off its answer: ${(error as Error).message}. ` +
              'The server may have acted.',
        { cause: error },
      )
    try {
      let response: Response
      try {
        response = await this.fetch(url, {
          method: spec.method,
          headers,
          ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
          signal: controller.signal,
        })
      } catch (error) {
        if (controller.signal.aborted) throw unanswered(error)
        throw new ConnectionError(
          `Cannot reach ${url.origin}: ${(error as Error).message}. Check the base URL and that ` +
            'the server is running.',
          { cause: error },
        )
      }
      let text: string
      try {
        text = await response.text()
      } catch (error) {
        throw unanswered(error)
      }
      return { response, payload: parsePayload(response, text, spec) }
    } finally {
      clearTimeout(timer)
      stopListening()
    }
  }
}

/**
 * Calls `abort` when `signal` aborts, at once if it has; returns what stops listening, so that a
 * long-lived signal keeps no listener of a request that has ended.
 */
function onAbort(signal: AbortSignal | undefined, abort: () => void): () => void {
  if (signal === undefined) return () => {}
  if (signal.aborted) {
    abort()
    return () => {}
  }
  signal.addEventListener('abort', abort, { once: true })
  return () => signal.removeEventListener('abort', abort)
}

/**
 * An answer's body: its JSON; an `Ok` without quotes (HelpCrunch's delete and unsubscribe may
 * answer so, and a PHP server labels such text `text/html`) as that text; an error that is not
 * JSON (a proxy's page) as nothing, so that its status still reaches the caller. Any other
 * success that is not JSON means the base URL is not the API.
 */
function parsePayload(response: Response, text: string, spec: RequestSpec): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    if (!response.ok) return undefined
    if (/^\s*ok\s*$/i.test(text)) return 'Ok'
    const what = /^\s*</.test(text) ? 'a web page' : 'something'
    throw new ConnectionError(
      `${spec.method} ${spec.path} answered ${response.status} with ${what} that is not JSON; ` +
        'is the base URL the API (ending in /v1)?',
    )
  }
}

function errorsOf(payload: unknown, status: number): ErrorEntry[] {
  const errors = (payload as { errors?: unknown } | undefined)?.errors
  if (Array.isArray(errors)) return errors as ErrorEntry[]
  return [{ code: 'http_error', message: `HTTP ${status}` }]
}

/**
 * The wait a 429 asks for, in whole seconds: its `Retry-After` (seconds or an HTTP date), else
 * until its `X-RateLimit-Reset` (UNIX seconds), else `UNSAID_RETRY_AFTER_SECONDS`.
 */
function retryAfterSeconds(headers: Headers): number {
  const after = headers.get('retry-after')?.trim()
  if (after !== undefined && /^\d+$/.test(after)) return Number(after)
  const date = after === undefined ? NaN : Date.parse(after)
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000))
  const reset = headers.get('x-ratelimit-reset')?.trim()
  if (reset !== undefined && /^\d+$/.test(reset)) {
    return Math.max(0, Number(reset) - Math.floor(Date.now() / 1000))
  }
  return UNSAID_RETRY_AFTER_SECONDS
}
