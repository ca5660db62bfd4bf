import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  Chat,
  ChatAssigneeBody,
  ChatDepartmentBody,
  ChatStatusBody,
  RateChatBody,
  SnoozeChatBody,
  parseSettableChatStatus,
} from '../../../contract/index.js'
import { nowSeconds, type AppDeps } from '../../deps.js'
import { Errors } from '../../errors.js'
import { toId, toOptionalId } from '../../http/paging.js'
import { sendJson } from '../../http/send-json.js'
import {
  assignChat,
  changeChatStatus,
  moveChatToDepartment,
  rateChat,
  snoozeChat,
} from './chat-changes.service.js'

const answersChat = { response: { 200: Chat } }

/**
 * `PUT /v1/chats/snooze`, `/status`, `/assignee`, `/department` and `/rate`: each takes the chat
 * `id` in the body and answers the whole chat as `GET /v1/chats/{id}` does. They never change
 * read state.
 */
export function chatChangesRoutes(deps: AppDeps): FastifyPluginAsyncTypebox {
  const { db } = deps
  return async function chatChanges(app) {
    app.put(
      '/chats/snooze',
      { schema: { body: SnoozeChatBody, ...answersChat } },
      async (request, reply) => {
        const { id, snoozedUntil } = request.body
        const until = snoozedUntil === null ? null : Number(snoozedUntil)
        const organizationId = request.principal.organizationId
        const chat = await snoozeChat(db, organizationId, toId(id), until, nowSeconds(deps))
        return sendJson(reply, chat)
      },
    )

    app.put(
      '/chats/status',
      { schema: { body: ChatStatusBody, ...answersChat } },
      async (request, reply) => {
        const { id } = request.body
        // The schema lets through only settable spellings; this reads which status one means.
        const status = parseSettableChatStatus(request.body.status)
        if (status === undefined) {
          throw Errors.validation([
            { field: 'status', message: 'The value you selected is not a valid choice.' },
          ])
        }
        const organizationId = request.principal.organizationId
        const chat = await changeChatStatus(db, organizationId, toId(id), status, nowSeconds(deps))
        return sendJson(reply, chat)
      },
    )

    app.put(
      '/chats/assignee',
      { schema: { body: ChatAssigneeBody, ...answersChat } },
      async (request, reply) => {
        const { id, assignee } = request.body
        const organizationId = request.principal.organizationId
        const agentId = toOptionalId(assignee)
        const chat = await assignChat(db, organizationId, toId(id), agentId, nowSeconds(deps))
        return sendJson(reply, chat)
      },
    )

    app.put(
      '/chats/department',
      { schema: { body: ChatDepartmentBody, ...answersChat } },
      async (request, reply) => {
        const { id, department } = request.body
        const organizationId = request.principal.organizationId
        const chat = await moveChatToDepartment(
          db,
          organizationId,
          toId(id),
          toOptionalId(department),
          nowSeconds(deps),
        )
        return sendJson(reply, chat)
      },
    )

    app.put(
      '/chats/rate',
      { schema: { body: RateChatBody, ...answersChat } },
      async (request, reply) => {
        const { id, rating } = request.body
        const organizationId = request.principal.organizationId
        const chat = await rateChat(db, organizationId, toId(id), rating, nowSeconds(deps))
        return sendJson(reply, chat)
      },
    )
  }
}
