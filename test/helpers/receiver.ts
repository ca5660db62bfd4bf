import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eventually } from './wait.js'

/** One request a receiver took: its headers, its exact body, and that body parsed. */
export interface Received {
  readonly headers: IncomingHttpHeaders
  readonly raw: string
  readonly body: any
  /** The status the receiver answered with. */
  readonly status: number
}

/** A real HTTP endpoint for webhooks, answering each request with the next status of a script. */
export interface Receiver {
  readonly url: string
  readonly received: Received[]
  /** Statuses to answer the next requests with, in order; 200 once they are used up. */
  answerWith(...statuses: number[]): void
  /** The most requests it was answering at once. */
  inFlight(): number
  /** Waits until `count` requests answered 2xx have come in; returns their bodies. */
  delivered(count: number): Promise<any[]>
  close(): Promise<void>
}

/**
 * Starts a receiver on a free loopback port. `delayMs` holds each answer back that long;
 * `inFlight` then tells how many requests it was answering at once, at most.
 */
export async function startReceiver({ delayMs = 0 } = {}): Promise<Receiver> {
  const received: Received[] = []
  const script: number[] = []
  let open = 0
  let maxOpen = 0
  const server: Server = createServer((request, response) => {
    open += 1
    maxOpen = Math.max(maxOpen, open)
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      setTimeout(() => {
        const status = script.shift() ?? 200
        received.push({ headers: request.headers, raw, body: JSON.parse(raw), status })
        open -= 1
        response.writeHead(status).end()
      }, delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const ok = () => received.filter((r) => r.status >= 200 && r.status < 300)
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answerWith: (...statuses) => void script.push(...statuses),
    inFlight: () => maxOpen,
    async delivered(count) {
      await eventually(async () => ok().length >= count)
      return ok().map((r) => r.body)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
