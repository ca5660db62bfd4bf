import type { Queryable } from '../../storage/db.js'

/** A message with its agent's fields, as one query reads it. */
export interface MessageRow {
  id: number
  chat_id: number
  agent_id: number | null
  sender: 'agent' | 'customer'
  type: string
  text: string | null
  created_at: number
  updated_at: number | null
  edited: number
  broadcast_type: string | null
  agent_name: string | null
  agent_email: string | null
  agent_role: string | null
}

const SELECT_MESSAGES = `
SELECT m.id, m.chat_id, m.agent_id, m.sender, m.type, m.text, m.created_at, m.updated_at,
  m.edited, m.broadcast_type, a.name AS agent_name, a.email AS agent_email, a.role AS agent_role
FROM messages m LEFT JOIN agents a ON a.id = m.agent_id`

const LIST_MESSAGES = `${SELECT_MESSAGES} WHERE m.chat_id = ? ORDER BY m.id DESC LIMIT ? OFFSET ?`

/** A page of a chat's messages, newest first (ids grow with time). */
export function listMessages(db: Queryable, chatId: number, limit: number, offset: number) {
  return db.all<MessageRow>(LIST_MESSAGES, [chatId, limit, offset])
}

export function findMessage(db: Queryable, messageId: number) {
  return db.get<MessageRow>(`${SELECT_MESSAGES} WHERE m.id = ?`, [messageId])
}

export async function countMessages(db: Queryable, chatId: number): Promise<number> {
  const row = await db.get<{ total: number | string }>(
    'SELECT count(*) AS total FROM messages WHERE chat_id = ?',
    [chatId],
  )
  return Number(row?.total ?? 0)
}

export interface NewMessage {
  id?: number | undefined
  chatId: number
  agentId: number | null
  sender: 'agent' | 'customer'
  type: string
  text: string
  createdAt: number
}

export async function insertMessage(db: Queryable, message: NewMessage): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO messages (id, chat_id, agent_id, sender, type, text, created_at)
     VALUES (${db.dialect.newId('messages')}, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      message.id ?? null,
      message.chatId,
      message.agentId,
      message.sender,
      message.type,
      message.text,
      message.createdAt,
    ],
  )
  return row!.id
}
