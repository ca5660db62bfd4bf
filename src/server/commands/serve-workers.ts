import cluster, { type Worker } from 'node:cluster'
import type { Output } from './shared.js'
import { CommandError } from './shared.js'

/** What a worker tells the primary. */
export interface WorkerMessage {
  readonly kind: 'listening'
  readonly port: number
}

/** What the primary tells a worker. */
export const STOP_MESSAGE = { kind: 'stop' } as const

/** Whether this process is a worker that `startWorkers` forked. */
export function isServeWorker(): boolean {
  return cluster.isWorker
}

/** Tells the primary this worker listens on `port`. */
export function reportListening(port: number): void {
  const message: WorkerMessage = { kind: 'listening', port }
  process.send?.(message)
}

/** Calls `stop` when the primary asks this worker to stop. */
export function onStopRequest(stop: () => void): void {
  process.on('message', (message: unknown) => {
    if ((message as { kind?: unknown } | null)?.kind === STOP_MESSAGE.kind) stop()
  })
}

export interface Workers {
  /** The port every worker shares. */
  readonly port: number
  /** Asks each worker to finish its requests and stop; resolves when all have exited. */
  stop(): Promise<void>
}

/**
 * Forks `count` workers that each run `serve` on the same port (Node's cluster hands connections
 * round the workers), and resolves once every one listens. A worker that exits before it listens
 * stops them all with its exit in the error; one that dies later is replaced, and the replacement
 * is logged.
 */
export function startWorkers(count: number, output: Output): Promise<Workers> {
  const live = new Set<Worker>()
  let stopping = false
  let port = -1

  const fork = (): Worker => {
    const worker = cluster.fork()
    live.add(worker)
    return worker
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
    cluster.on('message', (_worker, message: WorkerMessage) => {
      if (message?.kind !== 'listening') return
      port = message.port
      listening += 1
      if (listening === count) resolve({ port, stop })
    })
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker)
      if (stopping) return
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
      if (listening < count) {
        fail(`${how} before it was listening`)
        return
      }
      output.err(`Worker ${worker.process.pid} ${how}; starting another.`)
      fork()
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
        if (worker.isConnected()) worker.send(STOP_MESSAGE)
        else worker.process.kill('SIGTERM')
      }
    })
  }
}
