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
  /** The `fetch` to use; the global one by default. */
  readonly fetch?: typeof fetch
}

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
  private readonly fetch: typeof fetch

  constructor(private readonly options: ClientOptions) {
    if (!options.apiKey) throw new TypeError('createClient needs an apiKey')
    this.baseUrl = (options.baseUrl ?? HELPCRUNCH_BASE_URL).replace(/\/+$/, '')
    this.maxRetries = options.maxRetries ?? 2
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  }

  async request<T>(spec: RequestSpec): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await this.send(spec)
      const requestId = response.headers.get('x-request-id')
      const payload = await readJson(response, spec)
      if (response.ok) return payload as T
      const errors = errorsOf(payload, response.status)
      if (response.status !== 429) throw new HelpCrunchError(response.status, errors, requestId)
      const retryAfter = retryAfterSeconds(response.headers.get('retry-after'))
      if (attempt >= this.maxRetries || retryAfter * 1000 > this.maxRetryWaitMs) {
        throw new RateLimitError(errors, retryAfter, requestId)
      }
      this.options.onRetry?.(retryAfter, attempt + 1)
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000))
    }
  }

  private async send(spec: RequestSpec): Promise<Response> {
    const url = new URL(this.baseUrl + spec.path)
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value))
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: 'application/json',
    }
    if (spec.body !== undefined) headers['content-type'] = 'application/json'
    try {
      return await this.fetch(url, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      })
    } catch (error) {
      throw new ConnectionError(
        `Cannot reach ${url.origin}: ${(error as Error).message}. Check the base URL and that ` +
          'the server is running.',
        { cause: error },
      )
    }
  }
}

async function readJson(response: Response, spec: RequestSpec): Promise<unknown> {
  const text = await response.text()
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new ConnectionError(
      `${spec.method} ${spec.path} answered ${response.status} with something that is not JSON; ` +
        'is the base URL an API (ending in /v1)?',
    )
  }
}

function errorsOf(payload: unknown, status: number): ErrorEntry[] {
  const errors = (payload as { errors?: unknown } | undefined)?.errors
  if (Array.isArray(errors)) return errors as ErrorEntry[]
  return [{ code: 'http_error', message: `HTTP ${status}` }]
}

/** `Retry-After` in whole seconds (a number or an HTTP date); 1 when absent or unreadable. */
function retryAfterSeconds(header: string | null): number {
  if (header === null) return 1
  if (/^\d+$/.test(header.trim())) return Number(header.trim())
  const date = Date.parse(header)
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}
