import type { Chat, ChatList, ChatSortField } from '../../../contract/index.js'
import { Errors } from '../../errors.js'
import type { Page, Sort } from '../../http/paging.js'
import type { Db, Queryable } from '../../storage/db.js'
import { countInOrganization, existsInOrganization } from '../scoped.repository.js'
import { presentChat, presentChats } from './chats.presenter.js'
import { findChat, insertChat, listChatAgents, listChats } from './chats.repository.js'
import { setReadState, type Side } from './read-state.js'

/** One chat of the organization as HelpCrunch shows it, or `null`. */
export async function loadChat(
  db: Queryable,
  organizationId: number,
  chatId: number,
): Promise<Chat | null> {
  const row = await findChat(db, organizationId, chatId)
  if (!row) return null
  return presentChats([row], await listChatAgents(db, [row.id]))[0]!
}

/** A page of the organization's chats and their total. */
export async function listChatPage(
  db: Queryable,
  organizationId: number,
  sort: Sort<ChatSortField>,
  page: Page,
): Promise<ChatList> {
  const rows = await listChats(db, organizationId, sort, page.limit, page.offset)
  const agents = await listChatAgents(
    db,
    rows.map((row) => row.id),
  )
  return {
    data: presentChats(rows, agents),
    meta: { total: await countInOrganization(db, 'chats', organizationId) },
  }
}

/**
 * Marks one side of a chat read or unread and returns the chat as stored after the change, both in
 * one transaction, so the answer shows this change and no later one. `null` if there is no chat.
 */
export function markChatRead(
  db: Db,
  organizationId: number,
  chatId: number,
  side: Side,
  read: boolean,
): Promise<Chat | null> {
  return db.transaction(async (tx) => {
    if (!(await setReadState(tx, organizationId, chatId, side, read))) return null
    return loadChat(tx, organizationId, chatId)
  })
}

export interface CreateChatInput {
  readonly customerId: number
  readonly applicationId: number
  readonly assigneeId: number | null
  readonly departmentId: number | null
}

/**
 * Starts an empty chat for a customer through the API (`createdWith: public_api`). Every
 * referenced entity must belong to the organization, else a 404 names the first one missing.
 */
export function createChat(
  db: Db,
  organizationId: number,
  input: CreateChatInput,
  now: number,
): Promise<Chat> {
  return db.transaction(async (tx) => {
    const references = [
      ['customers', input.customerId, 'Customer'],
      ['applications', input.applicationId, 'Application'],
      ['agents', input.assigneeId, 'Agent'],
      ['departments', input.departmentId, 'Department'],
    ] as const
    for (const [table, id, entity] of references) {
      if (id !== null && !(await existsInOrganization(tx, table, organizationId, id))) {
        throw Errors.notFound(entity)
      }
    }
    const id = await insertChat(tx, {
      organizationId,
      customerId: input.customerId,
      applicationId: input.applicationId,
      assigneeId: input.assigneeId,
      departmentId: input.departmentId,
      status: 'empty',
      createdWith: 'public_api',
      createdAt: now,
    })
    const row = await findChat(tx, organizationId, id)
    return presentChat(row!, [])
  })
}
