import { describe, expect, it } from 'vitest'
import { SLOW, useCliSandbox } from './helpers/cli.js'
import { send } from './helpers/server.js'

const cli = useCliSandbox()
const { run, serve } = cli

describe('seed', SLOW, () => {
  it('fills an organization with chats that the server then serves', async () => {
    const database = cli.path('seed.db')
    expect((await run(['orgs', 'create', 'acme', '--database', database])).code).toBe(0)
    const key = (
      await run(['keys', 'create', '--org', 'acme', '--database', database])
    ).stdout.trim()
    const seeded = await run([
      'seed',
      '--org',
      'acme',
      '--chats',
      '25',
      '--messages-per-chat',
      '3',
      '--database',
      database,
    ])
    expect(seeded.code).toBe(0)
    expect(seeded.stdout).toMatch(/^Seeded "acme": 13 customers, 25 chats, 75 messages, 5 agents/)
    expect(seeded.stderr).toContain('100%  25 of 25 chats')

    const { url } = await serve(['--port', '0', '--database', database])
    const chats = await send(url, 'GET', '/v1/chats', { key })
    expect(chats.body.meta.total).toBe(25)
    const first = chats.body.data[0]
    expect(first.lastMessageId).not.toBeNull()
    const messages = await send(url, 'GET', `/v1/chats/${first.id}/messages`, { key })
    expect(messages.body.total).toBe(3)
    expect(messages.body.data.map((m: any) => m.from)).toEqual(['customer', 'agent', 'customer'])
    expect((await send(url, 'GET', '/v1/agents', { key })).body.meta.total).toBe(5)
  })

  it('gives the same data for the same --seed', async () => {
    const args = ['--chats', '5', '--messages-per-chat', '2', '--seed', '7']
    const texts: string[] = []
    for (const name of ['a.db', 'b.db']) {
      const database = cli.path(name)
      await run(['orgs', 'create', 'acme', '--database', database])
      await run(['seed', '--org', 'acme', ...args, '--database', database])
      const { default: Database } = await import('better-sqlite3')
      const raw = new Database(database, { readonly: true })
      texts.push(JSON.stringify(raw.prepare('SELECT text, type FROM messages ORDER BY id').all()))
      raw.close()
    }
    expect(texts[0]).toBe(texts[1])
  })

  it('counts one of each in the singular', async () => {
    expect((await run(['orgs', 'create', 'acme'])).code).toBe(0)
    const one = await run(['seed', '--org', 'acme', '--chats', '1', '--messages-per-chat', '1'])
    expect(one.code, one.stderr).toBe(0)
    expect(one.stderr).toContain('Seeding "acme" with 1 chat of 1 message...')
    expect(one.stdout).toMatch(/^Seeded "acme": 1 customer, 1 chat, 1 message, /)
  })

  it('refuses an organization that does not exist, saying how to create it', async () => {
    expect((await run(['orgs', 'create', 'acme'])).code).toBe(0)
    const res = await run(['seed', '--org', 'nope', '--chats', '1', '--messages-per-chat', '1'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('opencrunch orgs create nope')
  })

  it('refuses a count that is not a whole number', async () => {
    const res = await run(['seed', '--org', 'acme', '--chats', 'lots', '--messages-per-chat', '1'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('--chats must be a whole number')
  })
})
