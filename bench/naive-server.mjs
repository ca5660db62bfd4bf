// A reference point for the bench: mark-read written the way a first version usually is, on the
// same database file and with the same durability (WAL, synchronous=NORMAL). Fastify with a body
// schema; every request looks its API key up in the database; one transaction reads the chat,
// updates its read state, reads the chat, its customer, agents, assignee and department back and
// builds the answer in JavaScript, which Fastify serializes. Statements are prepared once. It only
// answers PUT /v1/chats/readByAgent, and exists to show what opencrunch's own design buys.
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import { readBody } from './read-body.mjs'

const db = new Database(process.argv[2])
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.pragma('foreign_keys = ON')

const findKey = db.prepare(
  'SELECT organization_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
)
const findChat = db.prepare(
  `SELECT c.*, r.last_message_id, r.read_by_agent, r.read_by_customer
   FROM chats c JOIN chat_read_states r ON r.chat_id = c.id
   WHERE c.id = ? AND c.organization_id = ?`,
)
const markRead = db.prepare(
  `UPDATE chat_read_states SET read_by_agent = 1, agent_read_message_id = last_message_id
   WHERE chat_id = ?`,
)
const markUnread = db.prepare('UPDATE chat_read_states SET read_by_agent = 0 WHERE chat_id = ?')
const findCustomer = db.prepare('SELECT id, name, email, user_id FROM customers WHERE id = ?')
const findAgent = db.prepare('SELECT id, name, email, role FROM agents WHERE id = ?')
const findChatAgents = db.prepare(
  `SELECT a.id, a.name, a.email, a.role FROM chat_agents ca JOIN agents a ON a.id = ca.agent_id
   WHERE ca.chat_id = ? ORDER BY ca.first_message_id`,
)
const findDepartment = db.prepare('SELECT id, name FROM departments WHERE id = ?')

const text = (seconds) => (seconds === null ? null : String(seconds))

function present(row) {
  const customer = findCustomer.get(row.customer_id)
  return {
    id: row.id,
    closedBy: row.closed_by,
    lastCustomerMessageAt: text(row.last_customer_message_at),
    status: row.status,
    closedAt: text(row.closed_at),
    rating: row.rating,
    createdAt: text(row.created_at),
    lastMessageAt: text(row.last_message_at),
    createdWith: row.created_with,
    snoozedUntil: text(row.snoozed_until),
    lastMessageText: row.last_message_text,
    lastMessageId: row.last_message_id,
    applicationId: row.application_id,
    readByAgent: row.read_by_agent === 1,
    readByCustomer: row.read_by_customer === 1,
    lastCommunicatedAgentId: row.last_communicated_agent_id,
    agents: findChatAgents.all(row.id),
    customer: {
      id: customer.id,
      name: customer.name,
      email: customer.email,
      userId: customer.user_id,
    },
    assignee: row.assignee_id === null ? null : (findAgent.get(row.assignee_id) ?? null),
    department: row.department_id === null ? null : (findDepartment.get(row.department_id) ?? null),
  }
}

const markChat = db.transaction((organizationId, id, read) => {
  if (!findChat.get(id, organizationId)) return null
  ;(read ? markRead : markUnread).run(id)
  return present(findChat.get(id, organizationId))
})

const app = Fastify()
app.addHook('onRequest', async (request, reply) => {
  const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
  const row = key && findKey.get(createHash('sha256').update(key).digest('hex'))
  if (!row) return reply.code(401).send({ errors: [{ code: 'unauthorized' }] })
  request.organizationId = row.organization_id
})
app.put('/v1/chats/readByAgent', { schema: { body: readBody } }, async (request, reply) => {
  const chat = markChat(request.organizationId, request.body.id, request.body.read)
  if (chat === null) return reply.code(404).send({ errors: [{ code: 'not_found' }] })
  return chat
})

const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`listening on ${address}\n`)
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
