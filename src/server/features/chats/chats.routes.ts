import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CHAT_SORT_FIELDS,
  Chat,
  ChatAsRead,
  ChatList,
  ChatParams,
  CreateChatBody,
  ListChatsQuery,
  ReadChatBody,
} from '../../../contract/index.js'
import { nowSeconds, type AppDeps } from '../../deps.js'
import type { Principal } from '../api-keys/api-keys.service.js'
import { Errors } from '../../errors.js'
import { page, sortBy, toId, toOptionalId } from '../../http/paging.js'
import { sendJson } from '../../http/send-json.js'
import { chatChangesRoutes } from './chat-changes.routes.js'
import { createChat, listChatPage, loadChat } from './chats.service.js'
import { markReadReturningChat, type Side } from './read-state.js'
import { markReadUpTo } from './read-up-to.js'

/** `PUT /v1/chats/read` is an older name of `readByAgent`: agents are the API's usual actor. */
const READ_ROUTES: ReadonlyArray<readonly [string, Side]> = [
  ['/chats/readByAgent', 'agent'],
  ['/chats/readByCustomer', 'customer'],
  ['/chats/read', 'agent'],
]

export function chatsRoutes(deps: AppDeps): FastifyPluginAsyncTypebox {
  const { db } = deps
  return async function chats(app) {
    await app.register(chatChangesRoutes(deps))

    app.get(
      '/chats',
      { schema: { querystring: ListChatsQuery, response: { 200: ChatList } } },
      async (request, reply) => {
        const sort = sortBy(request.query, 'chats', CHAT_SORT_FIELDS, {
          field: 'createdAt',
          order: 'desc',
        })
        const body = await listChatPage(
          db,
          request.principal.organizationId,
          sort,
          page(request.query),
        )
        return sendJson(reply, body)
      },
    )

    app.get(
      '/chats/:chatId',
      { schema: { params: ChatParams, response: { 200: Chat } } },
      async (request, reply) => {
        const chat = await loadChat(
          db,
          request.principal.organizationId,
          toId(request.params.chatId),
        )
        if (!chat) throw Errors.notFound('Chat')
        return sendJson(reply, chat)
      },
    )

    app.post(
      '/chats',
      { schema: { body: CreateChatBody, response: { 201: Chat } } },
      async (request, reply) => {
        const { body } = request
        const chat = await createChat(
          db,
          request.principal.organizationId,
          {
            customerId: toId(body.customer),
            applicationId: toId(body.application),
            assigneeId: toOptionalId(body.assignee),
            departmentId: toOptionalId(body.department),
          },
          nowSeconds(deps),
        )
        return sendJson(reply.code(201), chat)
      },
    )

    for (const [path, side] of READ_ROUTES) {
      // The call an inbox makes most: served on the fast lane too, with this same answer.
      const markRead = {
        async answer(principal: Principal, body: ReadChatBody): Promise<string> {
          const { id, read, upToMessageId } = body
          const organizationId = principal.organizationId
          let chat
          if (upToMessageId === undefined) {
            chat = await markReadReturningChat(db, organizationId, toId(id), side, read)
          } else if (read) {
            chat = await markReadUpTo(db, organizationId, toId(id), side, toId(upToMessageId))
          } else {
            throw Errors.validation([
              { field: 'upToMessageId', message: 'This value is allowed only when read is true.' },
            ])
          }
          if (!chat) throw Errors.chatForIdNotFound(id)
          return chat
        },
      }
      app.put(
        path,
        {
          schema: { body: ReadChatBody, response: { 200: ChatAsRead } },
          config: { fastLane: markRead },
        },
        async (request, reply) =>
          sendJson(reply, await markRead.answer(request.principal, request.body)),
      )
    }
  }
}
