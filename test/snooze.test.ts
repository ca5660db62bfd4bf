import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import { T0, T0_SECONDS, acmeOrganization } from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'

// decisions.md section 4: when a snooze ends, the chat becomes unread for the agent side.

const HOUR = 3600

/** acme, chat 1 read by the agent side and snoozed until `until` (UNIX seconds). */
function snoozed(until: number): Fixture {
  const acme = acmeOrganization()
  const chats = acme.chats!.map((chat) =>
    chat.id === 1 ? { ...chat, snoozedUntil: until, readByAgent: true } : chat,
  )
  return { organizations: [{ ...acme, chats }] }
}

let servers: TestServer[] = []
let dirs: string[] = []
afterEach(async () => {
  for (const server of servers) await server.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  servers = []
  dirs = []
})

async function start(options: Parameters<typeof startServer>[0]) {
  const server = await startServer(options)
  servers.push(server)
  return server
}

const chat1 = async (server: TestServer) => (await server.request('GET', '/v1/chats/1')).body

describe('a snooze that ends', () => {
  it('leaves a running snooze as it is', async () => {
    const server = await start({ fixture: snoozed(T0_SECONDS + HOUR), now: () => T0 })
    expect(await chat1(server)).toMatchObject({
      readByAgent: true,
      snoozedUntil: String(T0_SECONDS + HOUR),
    })
  })

  it('makes the chat unread for the agent side when its time comes, with nobody asking', async () => {
    let clock = T0
    const server = await start({
      fixture: snoozed(T0_SECONDS + HOUR),
      now: () => clock,
      snoozeCheckMs: 20,
    })
    clock = T0 + (HOUR + 1) * 1000
    await sleep(200)
    // Read straight from the database: no request has touched the chat since.
    const row = await server.db.get(
      `SELECT r.read_by_agent, c.snoozed_until
       FROM chats c JOIN chat_read_states r ON r.chat_id = c.id WHERE c.id = 1`,
    )
    expect(row).toEqual({ read_by_agent: 0, snoozed_until: null })
    expect(await chat1(server)).toMatchObject({ readByAgent: false, snoozedUntil: null })
  })

  it('keeps what the agent side had read as read, and leaves the customer side alone', async () => {
    let clock = T0
    const server = await start({
      fixture: snoozed(T0_SECONDS + 10),
      now: () => clock,
      snoozeCheckMs: 20,
    })
    const before = await chat1(server)
    clock = T0 + 11_000
    await sleep(200)
    const after = await chat1(server)
    expect(after.readByCustomer).toBe(before.readByCustomer)
    const messages = (await server.request('GET', '/v1/chats/1/messages')).body.data
    expect(messages.find((m: any) => m.from === 'customer').read).toBe(true)
  })

  it('is applied when the server starts, if it ended while the server was stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opencrunch-snooze-'))
    dirs.push(dir)
    const database = join(dir, 'snooze.db')
    const first = await start({ fixture: snoozed(T0_SECONDS + HOUR), now: () => T0, database })
    expect((await chat1(first)).readByAgent).toBe(true)
    await first.close()
    servers = servers.filter((server) => server !== first)

    const later = T0 + 2 * HOUR * 1000
    const second = await start({ now: () => later, database, key: 'acme-test-key-1' })
    expect(await chat1(second)).toMatchObject({ readByAgent: false, snoozedUntil: null })
  })
})
