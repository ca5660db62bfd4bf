import type { Message, MessageType } from '../../../contract/index.js'
import { presentJoinedAgent } from '../agents/agents.presenter.js'
import { isRead, type ReadPositions } from '../chats/read-state.js'
import { flag, timestamp } from '../wire.js'
import type { MessageRow } from './messages.repository.js'

/** A stored message as HelpCrunch's Message; `read` derives from the chat's read positions. */
export function presentMessage(row: MessageRow, positions: ReadPositions): Message {
  return {
    id: row.id,
    agent: presentJoinedAgent(row.agent_id, row.agent_name, row.agent_email, row.agent_role),
    type: row.type as MessageType,
    text: row.text,
    read: isRead(row, positions),
    createdAt: String(row.created_at),
    updatedAt: timestamp(row.updated_at),
    edited: flag(row.edited),
    broadcastType: row.broadcast_type,
    chat: row.chat_id,
    from: row.sender,
  }
}
