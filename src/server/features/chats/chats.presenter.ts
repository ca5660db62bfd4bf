import type { Agent, Chat } from '../../../contract/index.js'
import { presentAgent, presentJoinedAgent } from '../agents/agents.presenter.js'
import { groupBy } from '../group.js'
import { flag, timestamp } from '../wire.js'
import type { ChatAgentRow, ChatRow } from './chats.repository.js'

/** A stored chat and the agents who wrote in it, as HelpCrunch's Chat object. */
export function presentChat(row: ChatRow, agents: readonly Agent[]): Chat {
  return {
    id: row.id,
    closedBy: row.closed_by,
    lastCustomerMessageAt: timestamp(row.last_customer_message_at),
    status: row.status,
    closedAt: timestamp(row.closed_at),
    rating: row.rating,
    createdAt: String(row.created_at),
    lastMessageAt: timestamp(row.last_message_at),
    readByAgent: flag(row.read_by_agent),
    readByCustomer: flag(row.read_by_customer),
    createdWith: row.created_with,
    snoozedUntil: timestamp(row.snoozed_until),
    lastMessageText: row.last_message_text,
    lastMessageId: row.last_message_id,
    applicationId: row.application_id,
    lastCommunicatedAgentId: row.last_communicated_agent_id,
    agents: [...agents],
    customer: {
      id: row.customer_id,
      name: row.customer_name,
      email: row.customer_email,
      userId: row.customer_user_id,
    },
    assignee: presentJoinedAgent(
      row.assignee_id,
      row.assignee_name,
      row.assignee_email,
      row.assignee_role,
    ),
    department:
      row.department_id === null
        ? null
        : { id: row.department_id, name: row.department_name ?? '' },
  }
}

/** Presents several chats, each with its own agents. */
export function presentChats(rows: readonly ChatRow[], agentRows: readonly ChatAgentRow[]): Chat[] {
  const byChat = groupBy(agentRows, (agent) => agent.chat_id, presentAgent)
  return rows.map((row) => presentChat(row, byChat.get(row.id) ?? []))
}
