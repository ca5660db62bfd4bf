import { randomBytes } from 'node:crypto'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { Redis } from 'ioredis'

/** The Redis the tests may use; undefined when none answers (vitest.config.ts checks). */
export const REDIS_URL = process.env.OPENCRUNCH_TEST_REDIS_URL

/** A key prefix of its own, so tests sharing one Redis never count into each other's buckets. */
export function redisPrefix(): string {
  return `opencrunch-test:${randomBytes(6).toString('hex')}:`
}

/** Runs `fn` with a connection of its own to the test Redis. */
export async function withRedis<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(REDIS_URL!, { lazyConnect: true })
  await redis.connect()
  try {
    return await fn(redis)
  } finally {
    redis.disconnect()
  }
}

/** The count Redis holds for one rate-limit bucket under `prefix`, or 0. */
export function sharedCount(prefix: string, bucket: string): Promise<number> {
  return withRedis(async (redis) => Number((await redis.get(`${prefix}ratelimit:${bucket}`)) ?? 0))
}

/**
 * A TCP relay in front of Redis that a test can cut (every connection dropped, new ones refused)
 * and restore on the same port: Redis going away and coming back, without touching the Redis
 * other tests use.
 */
export interface RedisRelay {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startRedisRelay(): Promise<RedisRelay> {
  const target = new URL(REDIS_URL!)
  const sockets = new Set<Socket>()
  const relay = (client: Socket) => {
    const upstream = connect(Number(target.port || 6379), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => socket.destroy())
    }
    client.pipe(upstream).pipe(client)
  }
  let server: Server = createServer(relay)
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        const address = server.address()
        resolve(typeof address === 'object' && address !== null ? address.port : port)
      })
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  const port = await listen(0)
  return {
    url: `redis://127.0.0.1:${port}`,
    cut: stop,
    restore: async () => {
      server = createServer(relay)
      await listen(port)
    },
    close: stop,
  }
}
