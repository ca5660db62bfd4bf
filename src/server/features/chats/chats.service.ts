import type { ChatSortField } from '../../../contract/index.js'
import type { Page, Sort } from '../../http/paging.js'
import type { Db, Queryable } from '../../storage/db.js'
import { readerForPage, requireInOrganization } from '../scoped.repository.js'
import { metaListJson } from '../wire.js'
import { searchChats } from './chat-search.js'
import { findChatJson, insertChat, type ChatJson } from './chats.repository.js'

/** One chat of the organization as its wire JSON, or `undefined`. */
export function loadChat(
  db: Queryable,
  organizationId: number,
  chatId: number,
): Promise<ChatJson | undefined> {
  return findChatJson(db, organizationId, chatId)
}

/**
 * A page of the organization's chats and their total, as the wire JSON of the whole answer: a
 * search with no filter, so the page is picked off the sort's index before any chat is built,
 * and a deep page (the docs' way to read every chat) skips its offset in the index alone. A page
 * that skips and returns more than 2,000 rows runs on the reader (Db.readerFor): skipping a
 * million index entries takes tens of milliseconds.
 */
export async function listChatPage(
  db: Db,
  organizationId: number,
  sort: Sort<ChatSortField>,
  page: Page,
): Promise<string> {
  const found = await searchChats(readerForPage(db, page), organizationId, {}, sort, page)
  return metaListJson(found.chats, found.total)
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
): Promise<ChatJson> {
  return db.transaction(async (tx) => {
    const references = [
      ['customers', input.customerId, 'Customer'],
      ['applications', input.applicationId, 'Application'],
      ['agents', input.assigneeId, 'Agent'],
      ['departments', input.departmentId, 'Department'],
    ] as const
    for (const [table, id, entity] of references) {
      await requireInOrganization(tx, table, organizationId, id, entity)
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
    return (await findChatJson(tx, organizationId, id))!
  })
}
