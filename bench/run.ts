/**
 * `npm run bench`: where opencrunch stands against the limit of Node on this machine.
 *
 * Seeds databases of 1,000, 100,000 and 1,000,000 chats with `opencrunch seed`, starts the real
 * server (`opencrunch serve`, production settings, rate limiting off) on each, and drives it from
 * wrk over loopback: authenticated mark-read on random chats, then a mixed inbox load. Before and
 * after every server it drives a bare node:http server that parses the same body and answers a
 * chat of the same size: every figure is printed as a ratio to the runs of that baseline around
 * it, so it means something on a noisy machine. A third run searches chats the way an inbox
 * does, and a fourth is mark-read again with one client searching back to back beside it (on
 * SQLite a search over more than 2,000 chats runs on a thread of their own, so it must not hold
 * the inbox; over fewer it runs on the server's connection); then the durable floor
 * (floor-server.mjs) and the read ceiling (the floor writing nothing) run on the same data.
 * Exits 1 if any request failed (and, with --strict, if a target is missed); 2, before it starts
 * anything, on a wrong option or without wrk or dist/.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CommandError } from '../src/server/commands/command-error.js'
import { placement } from './lib/cpus.js'
import { dataset, workingCopy, type Dataset } from './lib/datasets.js'
import { BENCH_USAGE, benchOptions, type BenchOptions } from './lib/options.js'
import {
  binNodeFlags,
  cpuSeconds,
  peakRss,
  startListening,
  stop,
  type Started,
} from './lib/processes.js'
import { machine, printReport, type ReferenceKind, type Row } from './lib/report.js'
import { failures, runWrk, wrkVersion } from './lib/wrk.js'

const BIN = fileURLToPath(new URL('../bin/opencrunch.js', import.meta.url))
const BASELINE = fileURLToPath(new URL('./baseline-server.mjs', import.meta.url))
const NAIVE = fileURLToPath(new URL('./naive-server.mjs', import.meta.url))
const FRAMEWORK = fileURLToPath(new URL('./fastify-server.mjs', import.meta.url))
const FLOOR = fileURLToPath(new URL('./floor-server.mjs', import.meta.url))
const CHAT_FILE = fileURLToPath(new URL('./.data/baseline-chat.json', import.meta.url))

let flags: BenchOptions
try {
  flags = benchOptions(process.argv.slice(2))
  if (flags.help) {
    process.stdout.write(`${BENCH_USAGE}\n`)
    process.exit(0)
  }
} catch (error) {
  if (!(error instanceof CommandError)) throw error
  process.stderr.write(`${error.message}\n`)
  process.exit(2)
}
const { sizes, seconds, warmup, connections, messagesPerChat } = flags
const cores = placement()

/**
 * Warms `target` up, then measures it; also how much CPU it spent on each request, in all and off
 * its main thread, and its peak RSS so far.
 */
async function load(
  target: Started,
  script: string,
  args: readonly string[],
  label: string,
  beside?: string,
) {
  process.stderr.write(`  ${label}: ${warmup} s warm-up, ${seconds} s measured\n`)
  const options = { place: cores.load, url: target.url, script, args, connections }
  // `beside`: a second script driven on one connection for as long, alongside the measured one.
  const besides = (time: number) =>
    beside === undefined
      ? Promise.resolve(undefined)
      : runWrk({ ...options, script: beside, connections: 1, seconds: time })
  if (warmup > 0) await Promise.all([runWrk({ ...options, seconds: warmup }), besides(warmup)])
  const pid = target.proc.pid!
  const cpu = () => ({ all: cpuSeconds(pid), main: cpuSeconds(pid, pid) })
  const before = cpu()
  const [result, alongside] = await Promise.all([runWrk({ ...options, seconds }), besides(seconds)])
  const after = cpu()
  const perRequest = (start: number | null, end: number | null) =>
    start === null || end === null ? null : ((end - start) * 1e6) / result.requests
  const cpuUs = perRequest(before.all, after.all)
  const mainCpuUs = perRequest(before.main, after.main)
  const offMainCpuUs = cpuUs === null || mainCpuUs === null ? null : cpuUs - mainCpuUs
  return { result, alongside, cpuUs, offMainCpuUs, rss: peakRss(pid) }
}

function loadArgs(data: Dataset): string[] {
  return [String(data.firstChat), String(data.firstChat + data.chats - 1), data.key]
}

async function serve(data: Dataset): Promise<Started> {
  return startListening(
    [
      ...binNodeFlags(BIN),
      BIN,
      'serve',
      '--database',
      workingCopy(data),
      '--port',
      '0',
      '--rate-limit',
      '0',
      '--log-level',
      'warn',
    ],
    cores.server,
  )
}

/** A chat exactly as the server answers it, for the baseline to answer. */
async function realChat(data: Dataset): Promise<void> {
  const server = await serve(data)
  const response = await fetch(`${server.url}/v1/chats/${data.firstChat}`, {
    headers: { authorization: `Bearer ${data.key}` },
  })
  writeFileSync(CHAT_FILE, await response.text())
  await stop(server)
}

/**
 * A server that is not opencrunch, under the same mark-read load: the bare node:http baseline
 * every ratio is taken against, Fastify alone (fastify-server.mjs: the ceiling of any server built
 * on it), mark-read written the naive way (naive-server.mjs, on the same data), the durable
 * floor (floor-server.mjs: opencrunch's storage code behind bare node:http, on the same data), or
 * the read ceiling (floor-server.mjs writing nothing, on the same data).
 */
async function reference(
  kind: ReferenceKind,
  name: string,
  args: readonly string[],
  data: Dataset,
): Promise<Row> {
  process.stderr.write(`${name}\n`)
  const server = await startListening(args, cores.server)
  const measured = await load(server, 'mark-read.lua', loadArgs(data), 'mark-read')
  await stop(server)
  const onData = kind !== 'baseline' && kind !== 'framework'
  return { name, kind, chats: onData ? data.chats : 0, ...measured }
}

/**
 * opencrunch's own server on a fresh copy of `data`, under each of `kinds` in turn. `again`: a
 * second run on a size measured before (mark-read on the smallest, after the largest).
 */
async function onServer(
  data: Dataset,
  kinds: ReadonlyArray<'mark-read' | 'mixed' | 'search' | 'searching'>,
  again = false,
): Promise<Row[]> {
  const size = data.chats
  process.stderr.write(`Server on ${size} chats${again ? ' again' : ''}\n`)
  const server = await serve(data)
  const rows: Row[] = []
  for (const kind of kinds) {
    const measured =
      kind === 'searching'
        ? await load(server, 'mark-read.lua', loadArgs(data), 'mark-read, searching', 'search.lua')
        : await load(server, `${kind}.lua`, loadArgs(data), kind)
    const name = kind === 'searching' ? 'mark-read, searching' : again ? `${kind} (again)` : kind
    rows.push({ name, kind, chats: size, ...measured })
  }
  await stopCleanly(server)
  return rows
}

/** Stops opencrunch; a server that does not exit cleanly on SIGTERM fails the bench. */
async function stopCleanly(server: Started): Promise<void> {
  const code = await stop(server)
  if (code !== 0) throw new Error(`the server exited with ${code} on SIGTERM:\n${server.output}`)
}

const baseline = (data: Dataset, why?: string) =>
  reference('baseline', `baseline node:http${why ? ` (${why})` : ''}`, [BASELINE, CHAT_FILE], data)

async function main(): Promise<number> {
  const wrk = wrkVersion()
  if (!wrk) {
    process.stderr.write(
      'The bench drives the server with wrk, which is not installed.\n' +
        'Install it (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk) and run again.\n',
    )
    return 2
  }
  if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
    process.stderr.write('dist/ is missing: run "npm run build" first (npm run bench does).\n')
    return 2
  }
  process.stderr.write(`${machine(wrk)}\n`)
  // Seeded (or migrated) up front, each once; every server then runs on a fresh working copy.
  const datasets: Dataset[] = []
  for (const size of sizes) datasets.push(await dataset(size, messagesPerChat, flags.fresh))
  const first = datasets[0]!
  await realChat(first)

  // Every server is measured between two runs of the baseline, and its ratio to the baseline is
  // taken against those two: these VMs drift by 10-50% within minutes, and a baseline measured
  // minutes away would pass that drift off as a cost of the server (README, Performance).
  // The first run of a bench is slow on these VMs (the baseline's by up to a third): one run of
  // the baseline, not counted, warms the machine up first.
  await baseline(first, 'warming the machine up')
  const rows: Row[] = [await baseline(first)]
  const bracketed = async (measured: Promise<Row | Row[]>) => {
    rows.push(...[await measured].flat())
    rows.push(await baseline(first))
  }
  await bracketed(reference('framework', 'Fastify alone', [FRAMEWORK, CHAT_FILE], first))
  await bracketed(reference('naive', 'naive Fastify + SQLite', [NAIVE, workingCopy(first)], first))
  for (const data of datasets) {
    // Mark-read, the run the targets are about, on a server of its own; then the other loads.
    await bracketed(onServer(data, ['mark-read']))
    await bracketed(onServer(data, ['mixed', 'search', 'searching']))
    await bracketed(reference('floor', 'durable floor', [FLOOR, workingCopy(data)], data))
    await bracketed(reference('ceiling', 'read ceiling', [FLOOR, workingCopy(data), 'read'], data))
  }
  // Mark-read on the smallest size once more, after the largest: the ratio of the largest to the
  // smallest is then taken against both runs.
  if (datasets.length > 1) await bracketed(onServer(first, ['mark-read'], true))

  const verdict = printReport(rows, {
    machine: machine(wrk),
    placement: cores.description,
    seconds,
    warmup,
    connections,
    messagesPerChat,
  })
  const failed = rows.reduce((sum, row) => sum + failures(row.result), 0)
  if (failed > 0) {
    process.stderr.write(`${failed} requests failed (see the errors column).\n`)
    return 1
  }
  return flags.strict && !verdict.noneMissed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`)
    process.exit(1)
  },
)
