import { copyFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { ON_SQLITE } from './helpers/engines.js'
import { SLOW, spawnCommand, useCliSandbox, waitFor, within, type Child } from './helpers/cli.js'
import { send } from './helpers/server.js'

// bench/layout-server.mjs, the layout round's experiment (docs/performance.md): its figures mean
// something only if each mode answers what opencrunch answers and does the writing it claims.

const LAYOUT = fileURLToPath(new URL('../bench/layout-server.mjs', import.meta.url))
const WRITING_MODES = ['sqlite', 'log', 'memory'] as const
const BATCH_MS = 5_000

const cli = useCliSandbox()

/** `node bench/layout-server.mjs ...args` to its end. */
async function layout(args: string[]): Promise<Child> {
  const child = spawnCommand(process.execPath, [LAYOUT, ...args], cli.path('.'))
  await within(child.exit, `layout-server ${args.join(' ')}`)
  return child
}

/** The read state of every chat, as stored. */
function readStates(file: string): unknown[] {
  const raw = new Database(file, { readonly: true })
  try {
    return raw
      .prepare(
        `SELECT chat_id, read_by_agent, agent_read_message_id FROM chat_read_states
         ORDER BY chat_id`,
      )
      .all()
  } finally {
    raw.close()
  }
}

// It works on SQLite files whatever engine the suite runs on: once is enough.
describe.runIf(ON_SQLITE)('the layout experiment', SLOW, () => {
  it('answers each mark as opencrunch does, and applies the logged marks to SQLite', async () => {
    const seeded = cli.path('seeded.db')
    await cli.run(['orgs', 'create', 'acme', '--database', seeded])
    const key = (
      await cli.run(['keys', 'create', '--org', 'acme', '--database', seeded])
    ).stdout.trim()
    const seed = ['seed', '--org', 'acme', '--chats', '6', '--messages-per-chat', '3']
    expect((await cli.run([...seed, '--database', seeded])).code).toBe(0)
    const prepared = await layout(['prepare', seeded])
    expect(prepared.proc.exitCode, prepared.stderr).toBe(0)

    // Chat 3 is seeded unread, its position behind its last message: a mark read moves it, and a
    // mark unread after it in the same batch must not undo that.
    expect(readStates(seeded)[2]).toEqual({
      chat_id: 3,
      read_by_agent: 0,
      agent_read_message_id: 8,
    })

    const files = Object.fromEntries(
      ['served', ...WRITING_MODES, 'read'].map((name) => [name, cli.path(`${name}.db`)]),
    )
    for (const file of Object.values(files)) copyFileSync(seeded, file)
    const servers: Record<string, string> = {
      served: (await cli.serve(['--port', '0', '--database', files.served!])).url,
    }
    const children: Child[] = []
    try {
      for (const mode of [...WRITING_MODES, 'read']) {
        // One batch for every mark below: it goes to the worker 5 s after its first mark.
        const env = { LAYOUT_BATCH_MS: String(BATCH_MS) }
        const child = spawnCommand(
          process.execPath,
          [LAYOUT, mode, files[mode]!],
          cli.path('.'),
          env,
        )
        children.push(child)
        servers[mode] = (await waitFor(child, /listening on (http:\/\/\S+)/))[1]!
      }
      const mark = (server: string, id: number, read: boolean) =>
        send(servers[server]!, 'PUT', '/v1/chats/readByAgent', { key, body: { id, read } })

      let marks = 0
      const started = Date.now()
      for (const read of [false, true, true, false, true, false]) {
        for (const id of [1, 3, 6]) {
          const expected = await mark('served', id, read)
          expect(expected.status).toBe(200)
          expect(expected.body.readByAgent).toBe(read)
          for (const mode of WRITING_MODES) {
            const answer = await mark(mode, id, read)
            expect([mode, answer.status, answer.text]).toEqual([mode, 200, expected.text])
          }
          marks++
          const flagsAsRendered = { ...expected.body, readByAgent: true, readByCustomer: true }
          expect((await mark('read', id, read)).body).toEqual(flagsAsRendered)
        }
      }
      expect((await mark('log', 7, true)).status).toBe(404)
      expect(Date.now() - started, 'the marks outlasted one batch').toBeLessThan(BATCH_MS)

      // The log holds a record a mark; the worker brings SQLite to what opencrunch stored.
      expect(statSync(`${files.log}.marks`).size).toBe(marks * 16)
      const stored = readStates(files.served!)
      for (const mode of WRITING_MODES) {
        const deadline = Date.now() + 2 * BATCH_MS
        while (JSON.stringify(readStates(files[mode]!)) !== JSON.stringify(stored)) {
          if (Date.now() > deadline) break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        expect([mode, readStates(files[mode]!)]).toEqual([mode, stored])
      }
    } finally {
      for (const child of children) child.proc.kill('SIGKILL')
      await Promise.all(children.map((child) => child.exit))
    }
  })
})
