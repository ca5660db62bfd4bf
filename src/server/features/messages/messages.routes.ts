import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ChatParams,
  CreateMessageBody,
  ListMessagesQuery,
  Message,
  MessageList,
} from '../../../contract/index.js'
import { nowSeconds, type AppDeps } from '../../deps.js'
import { Errors } from '../../errors.js'
import { page, toId } from '../../http/paging.js'
import { listMessagePage, postMessage } from './messages.service.js'

export function messagesRoutes(deps: AppDeps): FastifyPluginAsyncTypebox {
  const { db } = deps
  return async function messages(app) {
    app.get(
      '/chats/:chatId/messages',
      {
        schema: {
          params: ChatParams,
          querystring: ListMessagesQuery,
          response: { 200: MessageList },
        },
      },
      async (request) => {
        const chatId = toId(request.params.chatId)
        const list = await listMessagePage(
          db,
          request.principal.organizationId,
          chatId,
          page(request.query),
        )
        if (!list) throw Errors.notFound('Chat')
        return list
      },
    )

    app.post(
      '/messages',
      { schema: { body: CreateMessageBody, response: { 200: Message } } },
      async (request) => {
        const { body } = request
        return postMessage(db, request.principal.organizationId, {
          chatId: toId(body.chat),
          agentId: body.agent == null ? null : toId(body.agent),
          type: body.type,
          // HelpCrunch keeps the markdown version when one is sent; it answers with it in `text`.
          text: body.markdownText ?? body.text,
          createdAt: nowSeconds(deps),
        })
      },
    )
  }
}
