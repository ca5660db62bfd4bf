/** The count of one bucket in its current window. */
export interface RateLimitHit {
  /** Requests counted in the window so far, this one included. */
  readonly count: number
  /** When the window ends, in epoch milliseconds. */
  readonly resetAtMs: number
}

/**
 * Rate-limit counters: fixed windows per bucket. One process keeps them in memory; several share
 * them through a store both can reach.
 */
export interface RateLimitStore {
  /** Counts one request for `bucket` at `nowMs` in a window of `windowMs`. */
  hit(bucket: string, windowMs: number, nowMs: number): Promise<RateLimitHit>
  close(): Promise<void>
}

interface Window {
  count: number
  resetAtMs: number
}

/** Counters in this process's memory; expired windows are swept as new ones open. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>()
  private nextSweepAtMs = 0

  hit(bucket: string, windowMs: number, nowMs: number): Promise<RateLimitHit> {
    let window = this.windows.get(bucket)
    if (!window || window.resetAtMs <= nowMs) {
      if (nowMs >= this.nextSweepAtMs) this.sweep(nowMs, windowMs)
      window = { count: 0, resetAtMs: nowMs + windowMs }
      this.windows.set(bucket, window)
    }
    window.count += 1
    return Promise.resolve({ count: window.count, resetAtMs: window.resetAtMs })
  }

  close(): Promise<void> {
    this.windows.clear()
    return Promise.resolve()
  }

  /** Drops every expired window; runs at most once a window, so it costs nothing per request. */
  private sweep(nowMs: number, windowMs: number): void {
    for (const [bucket, window] of this.windows) {
      if (window.resetAtMs <= nowMs) this.windows.delete(bucket)
    }
    this.nextSweepAtMs = nowMs + windowMs
  }
}
