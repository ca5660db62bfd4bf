import { randomUUID } from 'node:crypto'
import type { Queryable } from '../../storage/db.js'
import { presentJoinedAgent } from '../agents/agents.presenter.js'

/**
 * HelpCrunch's message webhooks (reference section 7.3): a customer's chat message, an agent's,
 * and a private note. Tech messages have none. The email kinds do not exist here: opencrunch has
 * no email channel.
 */
export const MESSAGE_EVENTS = [
  'message.chat.customer',
  'message.chat.agent',
  'message.private',
] as const
export type MessageEvent = (typeof MESSAGE_EVENTS)[number]

/** A message just inserted, before its effects on the chat are recorded. */
export interface NewMessage {
  readonly id: number
  readonly chatId: number
  readonly sender: 'customer' | 'agent'
  readonly type: 'message' | 'private' | 'tech'
  readonly agentId: number | null
  readonly text: string
  readonly createdAt: number
}

function eventOf(message: NewMessage): MessageEvent | null {
  if (message.type === 'private') return 'message.private'
  if (message.type !== 'message') return null
  return message.sender === 'customer' ? 'message.chat.customer' : 'message.chat.agent'
}

const HAS_WEBHOOK = 'SELECT id FROM webhooks WHERE organization_id = ? AND event = ? LIMIT 1'

const CONTEXT = `
SELECT c.application_id, cu.id AS customer_id, cu.name AS customer_name,
  cu.email AS customer_email, cu.user_id AS customer_user_id, r.read_by_agent,
  a.id AS agent_id, a.name AS agent_name, a.email AS agent_email, a.role AS agent_role
FROM chats c
  JOIN customers cu ON cu.id = c.customer_id
  JOIN chat_read_states r ON r.chat_id = c.id
  LEFT JOIN agents a ON a.id = ?
WHERE c.id = ?`

interface ContextRow {
  application_id: number | null
  customer_id: number
  customer_name: string | null
  customer_email: string | null
  customer_user_id: string | null
  read_by_agent: number
  agent_id: number | null
  agent_name: string | null
  agent_email: string | null
  agent_role: string | null
}

const QUEUE = `
INSERT INTO webhook_deliveries (webhook_id, event_id, event_data, created_at)
SELECT id, ?, ?, ? FROM webhooks WHERE organization_id = ? AND event = ?`

/**
 * Queues the message's webhook event, in the transaction that inserts it, for every webhook of
 * the organization that takes it: queued with the message, before the read changes the message
 * makes, so a receiver hears of the message first. One look at the webhooks when there are none.
 * `eventData` has the shape HelpCrunch's message webhooks show: `chat_id`, `agent`, `customer`
 * and `message`; the message is new, so it is unread unless it is a note on a chat the agents
 * have read (read-state rules).
 */
export async function queueMessageEvent(
  tx: Queryable,
  organizationId: number,
  message: NewMessage,
): Promise<void> {
  const event = eventOf(message)
  if (event === null) return
  if ((await tx.get(HAS_WEBHOOK, [organizationId, event])) === undefined) return
  const row = (await tx.get<ContextRow>(CONTEXT, [message.agentId, message.chatId]))!
  const data = {
    chat_id: message.chatId,
    agent: presentJoinedAgent(row.agent_id, row.agent_name, row.agent_email, row.agent_role),
    customer: {
      id: row.customer_id,
      name: row.customer_name,
      email: row.customer_email,
      userId: row.customer_user_id,
    },
    message: {
      applicationId: row.application_id,
      broadcastType: null,
      createdAt: String(message.createdAt),
      edited: false,
      id: message.id,
      read: event === 'message.private' && row.read_by_agent === 1,
      text: message.text,
      updatedAt: null,
    },
  }
  await tx.run(QUEUE, [
    randomUUID(),
    JSON.stringify(data),
    message.createdAt,
    organizationId,
    event,
  ])
}
