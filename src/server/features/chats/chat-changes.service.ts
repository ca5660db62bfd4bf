import type { Rating, SettableChatStatus } from '../../../contract/index.js'
import { Errors } from '../../errors.js'
import type { Db, Queryable } from '../../storage/db.js'
import { requireInOrganization } from '../scoped.repository.js'
import {
  findChatJson,
  findChatState,
  hasAgentMessage,
  setAssignee,
  setDepartment,
  setRating,
  setSnoozedUntil,
  setStatus,
  type ChatJson,
} from './chats.repository.js'

/**
 * The hand-made changes of a chat: snooze, status, assignee, department and rating. Each runs in
 * one transaction that first finds the chat (404 "Chat not found" when the organization has no
 * such chat), then checks what the change refers to, changes the chat row and answers the chat
 * as stored, in the chat-model order. None of them touches read state: a snooze that ends later
 * does (snooze.ts), not the snooze itself. `now` is UNIX seconds; it becomes `updated_at` when a
 * value actually changes.
 */

async function changeChat(
  db: Db,
  organizationId: number,
  chatId: number,
  change: (tx: Queryable) => Promise<unknown>,
): Promise<ChatJson> {
  return db.transaction(async (tx) => {
    // The chat's lock first: what a change reads of the chat stays true until it commits.
    // Locked unchanged: a change that turns out to change nothing leaves `updated_at` alone.
    await requireInOrganization(tx, 'chats', organizationId, chatId, 'Chat', true)
    await change(tx)
    return (await findChatJson(tx, organizationId, chatId))!
  })
}

/**
 * Snoozes a chat until `until` (UNIX seconds), or unsnoozes it (`null`). A time already past is
 * kept: the snooze clock ends it on its next tick, making the chat unread for the agent side.
 */
export function snoozeChat(
  db: Db,
  organizationId: number,
  chatId: number,
  until: number | null,
  now: number,
): Promise<ChatJson> {
  return changeChat(db, organizationId, chatId, (tx) =>
    setSnoozedUntil(tx, organizationId, chatId, until, now),
  )
}

/**
 * Gives a chat a status. Closing it records `now` as `closedAt` and the agent side as `closedBy`
 * (the API acts for the team); any other status clears both. A chat that already has the status
 * is left exactly as it is, so a closed chat closed again keeps its `closedAt`.
 */
export function changeChatStatus(
  db: Db,
  organizationId: number,
  chatId: number,
  status: SettableChatStatus,
  now: number,
): Promise<ChatJson> {
  const closing = status === 'closed'
  return changeChat(db, organizationId, chatId, (tx) =>
    setStatus(
      tx,
      organizationId,
      chatId,
      { status, closedAt: closing ? now : null, closedBy: closing ? 'agent' : null },
      now,
    ),
  )
}

/**
 * Assigns a chat to one of the organization's agents (any other id is a 404 "Agent not found"),
 * or to nobody (`null`).
 */
export function assignChat(
  db: Db,
  organizationId: number,
  chatId: number,
  agentId: number | null,
  now: number,
): Promise<ChatJson> {
  return changeChat(db, organizationId, chatId, async (tx) => {
    await requireInOrganization(tx, 'agents', organizationId, agentId, 'Agent')
    await setAssignee(tx, organizationId, chatId, agentId, now)
  })
}

/**
 * Moves a chat to one of the organization's departments (any other id is a 404 "Department not
 * found"), or to none (`null`).
 */
export function moveChatToDepartment(
  db: Db,
  organizationId: number,
  chatId: number,
  departmentId: number | null,
  now: number,
): Promise<ChatJson> {
  return changeChat(db, organizationId, chatId, async (tx) => {
    await requireInOrganization(tx, 'departments', organizationId, departmentId, 'Department')
    await setDepartment(tx, organizationId, chatId, departmentId, now)
  })
}

/**
 * Rates a chat, as HelpCrunch allows it: the chat must be closed, not rated yet, and have at
 * least one chat message from an agent (notes do not count), checked in that order, each refused
 * with its own 400. A rating is never changed once given.
 */
export function rateChat(
  db: Db,
  organizationId: number,
  chatId: number,
  rating: Rating,
  now: number,
): Promise<ChatJson> {
  return changeChat(db, organizationId, chatId, async (tx) => {
    const state = (await findChatState(tx, organizationId, chatId))!
    if (state.status !== 'closed') throw Errors.refused('Chat must me closed to rate')
    if (state.rating !== null) throw Errors.refused('Chat is already rated')
    if (!(await hasAgentMessage(tx, chatId))) {
      throw Errors.refused('Chat must have at least one agent message to rate')
    }
    await setRating(tx, organizationId, chatId, rating, now)
  })
}
