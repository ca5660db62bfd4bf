import type { ChatSortField } from '../../../contract/index.js'
import type { Page, Sort } from '../../http/paging.js'
import type { Db, Queryable } from '../../storage/db.js'
import { countInOrganization, requireInOrganization } from '../scoped.repository.js'
import { findChatJson, insertChat, listChatJson, type ChatJson } from './chats.repository.js'

/** One chat of the organization as its wire JSON, or `undefined`. */
export function loadChat(
  db: Queryable,
  organizationId: number,
  chatId: number,
): Promise<ChatJson | undefined> {
  return findChatJson(db, organizationId, chatId)
}

/** A page of the organization's chats and their total, as the wire JSON of the whole answer. */
export async function listChatPage(
  db: Queryable,
  organizationId: number,
  sort: Sort<ChatSortField>,
  page: Page,
): Promise<string> {
  const chats = await listChatJson(db, organizationId, sort, page.limit, page.offset)
  const total = await countInOrganization(db, 'chats', organizationId)
  return `{"data":[${chats.join(',')}],"meta":{"total":${total}}}`
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
