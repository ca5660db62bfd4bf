import cluster, { type Worker } from 'node:cluster'
import { createServer } from 'node:net'
import type { Output } from './shared.js'
import { CommandError } from './shared.js'

/** What a worker tells the primary. */
interface WorkerMessage {
  readonly kind: 'listening'
}

/** What the primary tells a worker. */
const STOP_MESSAGE = { kind: 'stop' } as const

/** Whether this process is a worker that `startWorkers` forked. */
export function isServeWorker(): boolean {
  return cluster.isWorker
}

/** The port the primary gives its workers, in their environment. */
const PORT_VARIABLE = 'OPENCRUNCH_WORKER_PORT'

/**
 * The port every worker listens on, chosen by the primary: under `--port 0` a free one picked
 * once, so that a worker replacing a dead one joins the same port instead of a new random one.
 */
export function sharedPort(): number | undefined {
  const value = process.env[PORT_VARIABLE]
  return value === undefined ? undefined : Number(value)
}

/** A port free on `host` now: bound, read and released (the workers bind it next). */
export function pickFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

/** The longest wait before starting a worker again after one died before it listened. */
const MAX_RESTART_DELAY_MS = 30_000

/** Tells the primary this worker listens. */
export function reportListening(): void {
  const message: WorkerMessage = { kind: 'listening' }
  process.send?.(message)
}

/**
 * Closes this worker's channel to the primary, so that it can exit once its work is done, with
 * its own exit code (cluster's own disconnect would make that 0).
 */
export function leavePrimary(): void {
  cluster.worker?.disconnect()
}

/** Calls `stop` when the primary asks this worker to stop. */
export function onStopRequest(stop: () => void): void {
  process.on('message', (message: unknown) => {
    if ((message as { kind?: unknown } | null)?.kind === STOP_MESSAGE.kind) stop()
  })
}

export interface Workers {
  /** Asks each worker to finish its requests and stop; resolves when all have exited. */
  stop(): Promise<void>
}

/**
 * Forks `count` workers that each run `serve` on `port` (Node's cluster hands connections round
 * the workers), and resolves once every one listens. A worker that exits before the first ones
 * all listen stops them all with its exit in the error; one that dies later is replaced, and the
 * log says so. Replacements that die before listening are retried with a growing delay (up to
 * 30 s), never in a tight loop.
 */
export function startWorkers(count: number, port: number, output: Output): Promise<Workers> {
  const live = new Set<Worker>()
  /** Workers that listen: they can take the stop message (one still starting may miss it). */
  const ready = new WeakSet<Worker>()
  let stopping = false
  let restartDelayMs = 0

  const fork = () => {
    live.add(cluster.fork({ [PORT_VARIABLE]: String(port) }))
  }

  return new Promise((resolve, reject) => {
    let listening = 0
    const fail = (reason: string) => {
      stopping = true
      for (const worker of live) worker.process.kill('SIGKILL')
      reject(
        new CommandError(`A server worker ${reason}; see its message above. Nothing is served.`),
      )
    }
    cluster.on('message', (worker, message: WorkerMessage) => {
      if (message?.kind !== 'listening') return
      ready.add(worker)
      restartDelayMs = 0
      listening += 1
      if (listening === count) resolve({ stop })
    })
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker)
      if (stopping) return
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
      if (listening < count) {
        fail(`${how} before it was listening`)
        return
      }
      if (!ready.has(worker)) {
        restartDelayMs = Math.min(Math.max(restartDelayMs * 2, 500), MAX_RESTART_DELAY_MS)
      }
      const when = restartDelayMs === 0 ? '' : ` in ${restartDelayMs / 1000} s`
      output.err(`Worker ${worker.process.pid} ${how}; starting another${when}.`)
      setTimeout(() => {
        if (!stopping) fork()
      }, restartDelayMs)
    })
    for (let i = 0; i < count; i += 1) fork()
  })

  function stop(): Promise<void> {
    stopping = true
    if (live.size === 0) return Promise.resolve()
    return new Promise((resolve) => {
      cluster.on('exit', () => {
        if (live.size === 0) resolve()
      })
      for (const worker of live) {
        // A worker still starting has no requests to finish: a signal stops it at once.
        if (ready.has(worker) && worker.isConnected()) worker.send(STOP_MESSAGE)
        else worker.process.kill('SIGTERM')
      }
    })
  }
}
