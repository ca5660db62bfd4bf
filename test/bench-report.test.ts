import { afterEach, describe, expect, it, vi } from 'vitest'
import { pairedBaselines, printReport, type Row } from '../bench/lib/report.js'
import { ON_SQLITE } from './helpers/engines.js'

/** A run of `kind` that answered `rps` requests a second. */
function run(name: string, kind: Row['kind'], rps: number, chats = 1000): Row {
  return {
    name,
    kind,
    chats: kind === 'baseline' ? 0 : chats,
    result: {
      requests: rps * 10,
      durationUs: 10_000_000,
      errors: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
      latencyUs: { p50: 100, p90: 200, p99: 300, max: 400, mean: 120 },
    },
    rss: null,
    cpuUs: null,
    offMainCpuUs: null,
  }
}

/** Latencies of a run, p50 and p99 in milliseconds. */
function ms(p50: number, p99: number): Row['result']['latencyUs'] {
  return { p50: p50 * 1000, p90: p99 * 1000, p99: p99 * 1000, max: p99 * 1000, mean: p50 * 1000 }
}

// The bench's own arithmetic, the same whatever engine the suite runs on: once is enough.
describe.runIf(ON_SQLITE)('the bench takes each ratio against the baseline runs around it', () => {
  it('pairs every run with the mean of the baseline runs just before and after it', () => {
    const rows = [
      run('baseline', 'baseline', 60_000),
      run('Fastify alone', 'framework', 50_000),
      run('baseline', 'baseline', 70_000),
      run('mark-read', 'mark-read', 30_000),
      run('mixed', 'mixed', 10_000),
      run('baseline', 'baseline', 50_000),
    ]
    // Not the mean of all baseline runs (60,000): a run is compared with the machine as it was
    // while that run was measured.
    expect(pairedBaselines(rows)).toEqual([null, 65_000, null, 60_000, 60_000, null])
  })

  it('uses the one baseline run there is on a side with none', () => {
    const rows = [run('mark-read', 'mark-read', 30_000), run('baseline', 'baseline', 70_000)]
    expect(pairedBaselines(rows)).toEqual([70_000, null])
  })

  it('refuses a run with no baseline run at all to compare it with', () => {
    expect(() => pairedBaselines([run('mark-read', 'mark-read', 30_000)])).toThrow(
      /mark-read: no baseline run around it/,
    )
  })
})

/** What printReport prints for `rows`, and its verdict. */
function report(rows: readonly Row[]): { text: string; noneMissed: boolean } {
  let text = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    text += String(chunk)
    return true
  })
  const context = {
    machine: 'test',
    placement: 'none',
    seconds: 10,
    warmup: 3,
    connections: 10,
    messagesPerChat: 4,
  }
  const { noneMissed } = printReport(rows, context)
  return { text, noneMissed }
}

describe.runIf(ON_SQLITE)(
  'the bench says which targets a run met, missed or did not measure',
  () => {
    afterEach(() => vi.restoreAllMocks())

    it('does not call the scale target met when it ran one size of data', () => {
      const { text, noneMissed } = report([
        run('baseline', 'baseline', 50_000),
        run('mark-read', 'mark-read', 40_000),
        run('baseline', 'baseline', 50_000),
      ])
      expect(text).toContain(
        'not measured  mark-read at the largest size >= 0.90 x at the smallest: one size of data run',
      )
      expect(text).toContain('met           mark-read throughput >= 0.60 x baseline: worst 0.80')
      expect(text).toContain('not measured  server RSS <= 150 MB at 1,000 chats: not readable')
      // --strict fails only on a target missed, not on one this run could not measure.
      expect(noneMissed).toBe(true)
    })

    it('measures scale from the smallest size to the largest, and fails --strict below 0.90', () => {
      const { text, noneMissed } = report([
        run('baseline', 'baseline', 50_000),
        run('mark-read', 'mark-read', 40_000, 1000),
        run('baseline', 'baseline', 50_000),
        run('mark-read', 'mark-read', 30_000, 1_000_000),
        run('baseline', 'baseline', 50_000),
      ])
      expect(text).toContain('MISSED        mark-read at 1,000,000 chats >= 0.90 x at 1,000: 0.75')
      expect(noneMissed).toBe(false)
    })

    it("holds the RSS target at the largest size only, to opencrunch's own server", () => {
      const MB = 2 ** 20
      const rows = (rssAtLargest: number) => [
        run('baseline', 'baseline', 50_000),
        { ...run('mark-read', 'mark-read', 40_000, 1000), rss: 400 * MB },
        run('baseline', 'baseline', 50_000),
        { ...run('durable floor', 'floor', 40_000, 100_000), rss: 400 * MB },
        run('baseline', 'baseline', 50_000),
        { ...run('mark-read', 'mark-read', 38_000, 100_000), rss: rssAtLargest },
        run('baseline', 'baseline', 50_000),
      ]
      const within = report(rows(150 * MB))
      expect(within.text).toContain('met           server RSS <= 150 MB at 100,000 chats: 150 MB')
      // Every other target is met too (0.80 and 0.76 of the baseline, 0.95 of the smallest size),
      // and the floor's 400 MB at the largest size is not opencrunch's.
      expect(within.noneMissed).toBe(true)
      const over = report(rows(151 * MB))
      expect(over.text).toContain('MISSED        server RSS <= 150 MB at 100,000 chats: 151 MB')
      expect(over.noneMissed).toBe(false)
    })

    it('says what the searches beside mark-read got, and holds that run to the RSS target', () => {
      const MB = 2 ** 20
      const searching: Row = {
        ...run('mark-read, searching', 'searching', 30_000),
        alongside: { ...run('search', 'search', 20).result, latencyUs: ms(40, 90) },
        rss: 151 * MB,
      }
      const { text, noneMissed } = report([
        run('baseline', 'baseline', 50_000),
        { ...run('mark-read', 'mark-read', 40_000), rss: 120 * MB },
        run('baseline', 'baseline', 50_000),
        searching,
        run('baseline', 'baseline', 50_000),
      ])
      expect(text).toContain(
        "Mark-read, searching (one client searching as the search run does, beside mark-read's " +
          '10): 1,000 chats 20 searches/s, p50 40.00 ms; mark-read beside them 0.75 x mark-read ' +
          'alone',
      )
      expect(text).toContain('MISSED        server RSS <= 150 MB at 1,000 chats: 151 MB')
      expect(noneMissed).toBe(false)
    })
  },
)
