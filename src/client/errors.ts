/** One entry of HelpCrunch's error envelope: `{"code": "...", "message": "..."}`. */
export interface ErrorEntry {
  readonly code: string
  readonly message: string
}

/**
 * An answer that was not a success: the HTTP status and HelpCrunch's `errors` list, as sent. The
 * message joins the entries' messages, so a log line says what was wrong.
 */
export class HelpCrunchError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly ErrorEntry[],
    /** The server's `X-Request-Id`, to find the request in its logs. */
    readonly requestId: string | null = null,
  ) {
    // A 400's entries are named by the field they are about: say which.
    const detail = errors
      .filter((entry) => entry.message !== 'Invalid request')
      .map((entry) => (status === 400 ? `${entry.code}: ${entry.message}` : entry.message))
      .join('; ')
    super(`HelpCrunch answered ${status}${detail ? `: ${detail}` : ''}`)
    this.name = 'HelpCrunchError'
  }

  /** Whether an entry has this `code` (`not_found`, `too_many_requests`, `read`...). */
  has(code: string): boolean {
    return this.errors.some((entry) => entry.code === code)
  }
}

/** A 429 that outlasted the client's retries; `retryAfter` is the server's wait, in seconds. */
export class RateLimitError extends HelpCrunchError {
  constructor(
    errors: readonly ErrorEntry[],
    readonly retryAfter: number,
    requestId: string | null = null,
  ) {
    super(429, errors, requestId)
    this.name = 'RateLimitError'
  }
}

/** The server could not be reached, or did not answer JSON; nothing says whether it acted. */
export class ConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ConnectionError'
  }
}
