import { describe, expect, it } from 'vitest'
import { pairedBaselines, type Row } from '../bench/lib/report.js'
import { ON_SQLITE } from './helpers/engines.js'

/** A run of `kind` that answered `rps` requests a second. */
function run(name: string, kind: Row['kind'], rps: number): Row {
  return {
    name,
    kind,
    chats: kind === 'baseline' ? 0 : 1000,
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
