import { cpus, release, totalmem, type as osType } from 'node:os'
import { failures, requestsPerSecond, type LoadResult } from './wrk.js'

/**
 * Servers other than opencrunch, shown for comparison only: `baseline` (bare node:http, every
 * ratio's base), `framework` (Fastify alone), `naive` (the mark-read of naive-server.mjs), `floor`
 * (the durable floor, floor-server.mjs) and `ceiling` (the read ceiling, floor-server.mjs writing
 * nothing).
 */
export type ReferenceKind = 'baseline' | 'framework' | 'naive' | 'floor' | 'ceiling'

/** One measured run. */
export interface Row {
  readonly name: string
  readonly kind: ReferenceKind | 'mark-read' | 'mixed' | 'search' | 'searching'
  readonly chats: number
  readonly result: LoadResult
  /**
   * What one client searching back to back beside the measured load got (the `searching` run,
   * whose `result` is its mark-read).
   */
  readonly alongside?: LoadResult | undefined
  /** Peak resident set size of the server so far, in bytes. */
  readonly rss: number | null
  /** Server CPU time per request, in microseconds. */
  readonly cpuUs: number | null
  /**
   * Of it, the server's threads other than the main one (where requests are answered):
   * opencrunch's checkpoint thread, V8's garbage collection helpers.
   */
  readonly offMainCpuUs: number | null
}

export interface Context {
  readonly machine: string
  readonly placement: string
  readonly seconds: number
  readonly warmup: number
  readonly connections: number
  readonly messagesPerChat: number
}

/** The machine the bench ran on, in one line. */
export function machine(wrk: string): string {
  const cpu = cpus()
  const memory = (totalmem() / 2 ** 30).toFixed(1)
  return (
    `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${memory} GiB, ` +
    `${osType()} ${release()}, Node ${process.version}, ${wrk}`
  )
}

const ms = (us: number) => `${(us / 1000).toFixed(2)} ms`
const us = (n: number | null) => (n === null ? 'n/a' : n.toFixed(1))
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${Math.round(bytes / 2 ** 20)} MB`)
const count = (n: number) => Math.round(n).toLocaleString('en-US')
const ratio = (n: number) => n.toFixed(2)

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`
  // Markdown: the first column left-aligned, the figures right-aligned (colon last in the rule).
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length

/**
 * Each run's throughput against the baseline's: the mean of the baseline runs just before and
 * just after it (`rows` are in the order they ran). `null` for the baseline's own runs.
 */
export function pairedBaselines(rows: readonly Row[]): Array<number | null> {
  const rps = rows.map((row) => (row.kind === 'baseline' ? requestsPerSecond(row.result) : null))
  return rows.map((row, i) => {
    if (row.kind === 'baseline') return null
    const before = rps.slice(0, i).findLast((value) => value !== null)
    const after = rps.slice(i + 1).find((value) => value !== null)
    const around = [before, after].filter((value): value is number => typeof value === 'number')
    if (around.length === 0) throw new Error(`${row.name}: no baseline run around it`)
    return mean(around)
  })
}

/** Prints the results table and the targets; says whether none that this run measured was missed. */
export function printReport(rows: readonly Row[], context: Context): { noneMissed: boolean } {
  /** The baseline's throughput around each run that is not the baseline's own. */
  const around = new Map<Row, number>()
  pairedBaselines(rows).forEach((base, i) => base !== null && around.set(rows[i]!, base))
  /** A run's throughput as a share of the baseline's around it. */
  const share = (row: Row) => requestsPerSecond(row.result) / around.get(row)!
  const meanShare = (runs: readonly Row[]) => mean(runs.map(share))
  const measured = rows.filter((row) => row.kind !== 'baseline')
  const baselines = rows.filter((row) => row.kind === 'baseline')
  /** Runs on each size of data, whose throughput is also shown against the smallest size. */
  const sized = (row: Row) => !['framework', 'naive'].includes(row.kind)
  const smallest = Math.min(...measured.filter(sized).map((r) => r.chats))
  /** A kind of run's share of the baseline at the smallest size: the mean of its runs there. */
  const atSmallest = (kind: Row['kind']) =>
    meanShare(measured.filter((row) => row.kind === kind && row.chats === smallest))

  /** A run's own figures, up to its errors; the ratio columns follow. */
  const figures = (row: Row, name: string, errors: number) => [
    name,
    row.chats === 0 ? '' : count(row.chats),
    count(requestsPerSecond(row.result)),
    ms(row.result.latencyUs.p50),
    ms(row.result.latencyUs.p99),
    us(row.cpuUs),
    us(row.offMainCpuUs),
    mb(row.rss),
    String(errors),
  ]
  // The baseline's runs in one line: its median run (by throughput), the failures of all of them,
  // and how far they spread.
  const byRps = baselines
    .map((row) => ({ row, rps: requestsPerSecond(row.result) }))
    .sort((a, b) => a.rps - b.rps)
  const slowest = byRps[0]!.rps
  const fastest = byRps.at(-1)!.rps
  const lines = [
    [
      ...figures(
        byRps[byRps.length >> 1]!.row,
        `baseline node:http (median of ${baselines.length})`,
        baselines.reduce((sum, row) => sum + failures(row.result), 0),
      ),
      '',
      '',
      '',
    ],
    ...measured.map((row) => [
      ...figures(row, row.name, failures(row.result)),
      count(around.get(row)!),
      ratio(share(row)),
      sized(row) ? ratio(share(row) / atSmallest(row.kind)) : '',
    ]),
  ]
  const out = process.stdout
  out.write(`\nMachine: ${context.machine}\n`)
  out.write(
    `Load: wrk, 1 thread, ${context.connections} connections, ${context.seconds} s per run after ` +
      `${context.warmup} s of warm-up; ${context.messagesPerChat} messages per chat; ` +
      `server: opencrunch serve --rate-limit 0 (production settings otherwise); ` +
      `${context.placement}\n\n`,
  )
  out.write(
    table(
      [
        'run',
        'chats',
        'req/s',
        'p50',
        'p99',
        'CPU us/req',
        'off main thread',
        'peak RSS',
        'errors',
        'baseline req/s',
        'x baseline',
        'x smallest',
      ],
      lines,
    ) + '\n\n',
  )
  out.write(
    `Each run's ratio is to the baseline runs just before and after it (the "baseline req/s" ` +
      `column); the baseline's ${baselines.length} runs spanned ${count(slowest)}-` +
      `${count(fastest)} req/s (${Math.round((fastest / slowest - 1) * 100)}% apart).\n\n`,
  )

  const markRead = rows.filter((row) => row.kind === 'mark-read')
  const largest = Math.max(...markRead.map((row) => row.chats))
  const atLargest = markRead.find((row) => row.chats === largest)!
  const worstRatio = Math.min(...markRead.map(share))
  const worstP99 = Math.max(...markRead.map((row) => row.result.latencyUs.p99))
  const scale = share(atLargest) / atSmallest('mark-read')
  // opencrunch's own server only: the naive server and the durable floor are not held to it.
  const ours = (row: Row) => ['mark-read', 'mixed', 'search', 'searching'].includes(row.kind)
  const rssReadings = rows
    .filter((row) => ours(row) && row.chats === largest && row.rss !== null)
    .map((row) => row.rss!)
  const peakRss = rssReadings.length === 0 ? null : Math.max(...rssReadings)
  // A target is met, missed, or (null) not measured by this run: a size compared with itself
  // says nothing of scale, and RSS is read from /proc, which not every system has.
  const targets: Array<[string, boolean | null, string]> = [
    ['mark-read throughput >= 0.60 x baseline', worstRatio >= 0.6, `worst ${ratio(worstRatio)}`],
    ['mark-read p99 <= 5 ms', worstP99 <= 5000, `worst ${ms(worstP99)}`],
    largest === smallest
      ? ['mark-read at the largest size >= 0.90 x at the smallest', null, 'one size of data run']
      : [
          `mark-read at ${count(largest)} chats >= 0.90 x at ${count(smallest)}`,
          scale >= 0.9,
          ratio(scale),
        ],
    [
      `server RSS <= 150 MB at ${count(largest)} chats`,
      peakRss === null ? null : peakRss <= 150 * 2 ** 20,
      peakRss === null ? 'not readable on this system' : mb(peakRss),
    ],
  ]
  const verdict = (met: boolean | null) =>
    (met === null ? 'not measured' : met ? 'met' : 'MISSED').padEnd(12)
  for (const [name, met, figure] of targets) out.write(`${verdict(met)}  ${name}: ${figure}\n`)
  const naive = rows.find((row) => row.kind === 'naive')
  if (naive) {
    const gain = atSmallest('mark-read') / share(naive)
    out.write(
      `\nmark-read at ${count(smallest)} chats: ${ratio(gain)} x the throughput of the naive ` +
        `Fastify + SQLite implementation (bench/naive-server.mjs) on the same data\n`,
    )
  }
  const framework = rows.find((row) => row.kind === 'framework')
  if (framework) {
    const ceiling = share(framework)
    out.write(
      `Fastify alone (bench/fastify-server.mjs, no database): ${ratio(ceiling)} x ` +
        `baseline, the most a server built on it reaches here; mark-read at ` +
        `${count(smallest)} chats is ${ratio(atSmallest('mark-read') / ceiling)} x that\n`,
    )
  }
  // A reference server run on each size: one line, each size's ratio to the baseline and more.
  const perSize = (
    kind: ReferenceKind,
    label: string,
    separator: string,
    more: (row: Row, ofBaseline: number) => string,
  ) => {
    const runs = rows.filter((row) => row.kind === kind)
    if (runs.length === 0) return
    const shares = runs.map((row) => {
      const ofBaseline = share(row)
      return `${count(row.chats)} chats ${ratio(ofBaseline)} x baseline${more(row, ofBaseline)}`
    })
    out.write(`${label}: ${shares.join(separator)}\n`)
  }
  perSize(
    'floor',
    `Durable floor (bench/floor-server.mjs: opencrunch's storage code behind bare node:http, ` +
      `no HTTP layer of its own)`,
    ', ',
    (floor, ofBaseline) => {
      const ours = meanShare(markRead.filter((row) => row.chats === floor.chats))
      return ` (mark-read ${ratio(ours / ofBaseline)} x the floor)`
    },
  )
  perSize(
    'ceiling',
    `Read ceiling (bench/floor-server.mjs read: the durable floor with nothing written, ` +
      `the chat read as GET reads it; its gap to the floor is what the mark's write costs)`,
    '; ',
    (ceiling, ofBaseline) =>
      ceiling.chats === smallest
        ? ''
        : `, ${ratio(ofBaseline / atSmallest('ceiling'))} x its own at ${count(smallest)}`,
  )
  const searching = rows.filter((row) => row.kind === 'searching' && row.alongside)
  if (searching.length > 0) {
    const runs = searching.map((row) => {
      const beside = row.alongside!
      return (
        `${count(row.chats)} chats ${count(requestsPerSecond(beside))} searches/s, ` +
        `p50 ${ms(beside.latencyUs.p50)}; mark-read beside them ` +
        `${ratio(share(row) / meanShare(markRead.filter((run) => run.chats === row.chats)))} x ` +
        `mark-read alone`
      )
    })
    out.write(
      `Mark-read, searching (one client searching as the search run does, beside mark-read's ` +
        `${context.connections}): ${runs.join('; ')}\n`,
    )
  }
  return { noneMissed: targets.every(([, met]) => met !== false) }
}
