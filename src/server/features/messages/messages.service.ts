import type { Message, MessageList } from '../../../contract/index.js'
import { Errors } from '../../errors.js'
import type { Page } from '../../http/paging.js'
import type { Db, Queryable } from '../../storage/db.js'
import { findReadPositions, lockChat } from '../chats/chats.repository.js'
import { recordMessage, type MessageKind } from '../chats/message-effects.js'
import { existsInOrganization } from '../scoped.repository.js'
import { queueMessageEvent } from '../webhooks/message-events.js'
import { presentMessage } from './messages.presenter.js'
import { countMessages, findMessage, insertMessage, listMessages } from './messages.repository.js'

export interface PostMessageInput {
  readonly chatId: number
  /** The agent who writes; `null` for the customer, or for a note from no particular agent. */
  readonly agentId: number | null
  /** `message` (to the other side), `private` (a note for the team) or `tech` (system). */
  readonly type: 'message' | 'private' | 'tech'
  readonly text: string
  readonly createdAt: number
  /** Keep this id (a fixture's); new messages get the next one. */
  readonly id?: number | undefined
}

/** A `message` without an agent is the customer's; every other kind comes from the team side. */
function kindOf(input: PostMessageInput): MessageKind {
  if (input.type !== 'message') return 'note'
  return input.agentId === null ? 'customer' : 'agent'
}

/**
 * Adds a message to a chat and brings the chat's derived fields and read state up to it, in one
 * transaction that holds the chat's lock, so message ids, `lastMessageId` and the read positions
 * always agree. 404 when the chat or the agent is not the organization's.
 */
export function postMessage(db: Db, organizationId: number, input: PostMessageInput) {
  return db.transaction(async (tx) => {
    const id = await appendMessage(tx, organizationId, input)
    return loadMessage(tx, organizationId, id)
  })
}

/**
 * `postMessage` inside a transaction the caller holds, without reading the message back: the
 * fixture loader and the seeder run many in one transaction. Returns the new message's id.
 */
export async function appendMessage(
  tx: Queryable,
  organizationId: number,
  input: PostMessageInput,
): Promise<number> {
  if (!(await lockChat(tx, organizationId, input.chatId, input.createdAt))) {
    throw Errors.notFound('Chat')
  }
  if (
    input.agentId !== null &&
    !(await existsInOrganization(tx, 'agents', organizationId, input.agentId))
  ) {
    throw Errors.notFound('Agent')
  }
  const kind = kindOf(input)
  const id = await insertMessage(tx, {
    id: input.id,
    chatId: input.chatId,
    agentId: input.agentId,
    sender: kind === 'customer' ? 'customer' : 'agent',
    type: input.type,
    text: input.text,
    createdAt: input.createdAt,
  })
  await queueMessageEvent(tx, organizationId, {
    id,
    chatId: input.chatId,
    sender: kind === 'customer' ? 'customer' : 'agent',
    type: input.type,
    agentId: input.agentId,
    text: input.text,
    createdAt: input.createdAt,
  })
  await recordMessage(tx, {
    id,
    chatId: input.chatId,
    kind,
    agentId: input.agentId,
    text: input.text,
    createdAt: input.createdAt,
  })
  return id
}

async function loadMessage(db: Queryable, organizationId: number, id: number): Promise<Message> {
  const row = (await findMessage(db, id))!
  const positions = (await findReadPositions(db, organizationId, row.chat_id))!
  return presentMessage(row, positions)
}

/** A page of a chat's messages, newest first, and their total; `null` if there is no chat. */
export async function listMessagePage(
  db: Queryable,
  organizationId: number,
  chatId: number,
  page: Page,
): Promise<MessageList | null> {
  const positions = await findReadPositions(db, organizationId, chatId)
  if (!positions) return null
  const rows = await listMessages(db, chatId, page.limit, page.offset)
  return {
    data: rows.map((row) => presentMessage(row, positions)),
    total: await countMessages(db, chatId),
  }
}
