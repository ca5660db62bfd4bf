import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CLI_WORLD, SLOW, useCliSandbox } from './helpers/cli.js'
import { startReceiver, type Receiver } from './helpers/receiver.js'
import { send } from './helpers/server.js'

// `opencrunch webhooks ...` against a real database, and the server it configures sending to a
// real receiver.

const cli = useCliSandbox()
const { run, serve, writeJson } = cli
const KEY = 'acme-test-key-1'

let receiver: Receiver
beforeEach(async () => {
  receiver = await startReceiver()
  expect((await run(['fixture', 'load', writeJson('world.json', CLI_WORLD)])).code).toBe(0)
})
afterEach(() => receiver.close())

/** `opencrunch webhooks add --org acme --url <the receiver> ...args` */
const addForAcme = (...args: string[]) =>
  run(['webhooks', 'add', '--org', 'acme', '--url', receiver.url, ...args])

describe('webhooks', SLOW, () => {
  it('adds webhooks, and the server sends read changes signed with the printed key', async () => {
    const added = await addForAcme()
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout.trim()).toBe(
      'Added 7 webhooks (1, 2, 3, 4, 5, 6, 7) sending chat.read_by_agent, chat.unread_by_agent, ' +
        'chat.read_by_customer, chat.unread_by_customer, message.chat.customer, ' +
        `message.chat.agent, message.private to ${receiver.url}.`,
    )
    const key = await run(['webhooks', 'key', '--org', 'acme'])
    expect(key.stdout).toMatch(/^[0-9a-f]{40}\n$/)
    const list = await run(['webhooks', 'list'])
    expect(list.stdout).toMatch(
      /^ID\s+ORGANIZATION\s+EVENT\s+URL\s+WAITING\s+GIVEN UP\s+LAST ERROR$/m,
    )
    expect(list.stdout).toMatch(/^1\s+acme\s+chat\.read_by_agent\s+\S+\s+0\s+0\s+-$/m)

    const { url } = await serve(['--port', '0'])
    // Chat 5208 ends with Sarah's reply: unread for the customer, read for the agents.
    const res = await send(url, 'PUT', '/v1/chats/readByCustomer', {
      key: KEY,
      body: { id: 5208, read: true },
    })
    expect(res.status).toBe(200)
    const [body] = await receiver.delivered(1)
    expect(body).toMatchObject({
      event: 'chat.read_by_customer',
      eventData: { chatId: 5208, side: 'customer', read: true },
    })
    const [request] = receiver.received
    expect(request!.headers['x-helpcrunch-signature']).toBe(
      createHmac('sha1', key.stdout.trim()).update(request!.raw).digest('hex'),
    )
  })

  it('adds only the events named, and rotates the key', async () => {
    const added = await addForAcme('--event', 'chat.unread_by_agent')
    expect(added.stdout).toContain('Added 1 webhook (1) sending chat.unread_by_agent')
    const first = (await run(['webhooks', 'key', '--org', 'acme'])).stdout
    expect((await run(['webhooks', 'key', '--org', 'acme'])).stdout).toBe(first)
    const rotated = (await run(['webhooks', 'key', '--org', 'acme', '--rotate'])).stdout
    expect(rotated).toMatch(/^[0-9a-f]{40}\n$/)
    expect(rotated).not.toBe(first)
  })

  it('refuses an event it does not send, or a URL that is not one, and adds nothing', async () => {
    const event = await addForAcme('--event', 'chat.read_by_agent', 'chat.new')
    expect(event.code).toBe(1)
    expect(event.stderr).toContain('"chat.new" is not an event opencrunch sends; it sends')
    expect(event.stderr).toContain('Nothing was added.')
    for (const url of ['not a url', 'ftp://example.com/hook']) {
      const bad = await run(['webhooks', 'add', '--org', 'acme', '--url', url])
      expect(bad.code).toBe(1)
      expect(bad.stderr).toMatch(/is not (a URL|an http:\/\/ or https:\/\/ URL)/)
    }
    const secret = await run([
      'webhooks',
      'add',
      '--org',
      'acme',
      '--url',
      'https://u:pw@example.com/',
    ])
    expect(secret.code).toBe(1)
    expect(secret.stderr).toContain('may not hold a user name or password')
    const unknown = await run(['webhooks', 'add', '--org', 'nope', '--url', receiver.url])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No organization "nope"')
    const list = await run(['webhooks', 'list'])
    expect(list.stdout).toBe('')
    expect(list.stderr).toContain('No webhooks. Add one with')
  })

  it('adds an event named twice once, and refuses a webhook the organization has', async () => {
    const twice = await addForAcme('--event', 'chat.read_by_agent', 'chat.read_by_agent')
    expect(twice.stdout).toContain('Added 1 webhook (1) sending chat.read_by_agent to')
    const again = await addForAcme('--event', 'chat.unread_by_agent', 'chat.read_by_agent')
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`Webhook 1 already sends chat.read_by_agent to ${receiver.url}.`)
    expect((await run(['webhooks', 'list'])).stdout.trim().split('\n')).toHaveLength(2)
    // One URL, however it is spelled.
    const spelled = receiver.url.replace('http://', 'HTTP://').replace('/hooks', '/./hooks')
    const same = await run(['webhooks', 'add', '--org', 'acme', '--url', ` ${spelled}`])
    expect(same.code).toBe(1)
    expect(same.stderr).toContain(`already sends chat.read_by_agent to ${receiver.url}.`)
  })

  it('refuses to seed an organization that has webhooks, saying why', async () => {
    await addForAcme()
    const seeded = await run(['seed', '--org', 'acme', '--chats', '5', '--messages-per-chat', '2'])
    expect(seeded.code).toBe(1)
    expect(seeded.stderr).toContain('"acme" has webhooks: seeding would send a read event')
  })

  it('removes a webhook by id, and says so when there is none', async () => {
    await addForAcme()
    const removed = await run(['webhooks', 'remove', '2'])
    expect(removed.code).toBe(0)
    expect(removed.stderr).toContain('Removed webhook 2.')
    expect((await run(['webhooks', 'list'])).stdout).not.toMatch(/^2\s/m)
    const again = await run(['webhooks', 'remove', '2'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('No webhook with ID 2')
    const word = await run(['webhooks', 'remove', 'two'])
    expect(word.code).toBe(1)
    expect(word.stderr).toContain('"two" is not a webhook ID')
    // The newest removed, the next one added still gets an id of its own.
    const listed = (await run(['webhooks', 'list'])).stdout.trim().split('\n').slice(1)
    const newest = Math.max(...listed.map((line) => Number(line.split(/\s+/)[0])))
    expect((await run(['webhooks', 'remove', String(newest)])).code).toBe(0)
    const other = `${receiver.url}/other`
    const added = await run([
      'webhooks',
      'add',
      '--org',
      'acme',
      '--url',
      other,
      '--event',
      'message.private',
    ])
    expect(added.stdout).toContain(`Added 1 webhook (${newest + 1}) sending message.private`)
  })
})
