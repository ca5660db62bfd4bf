import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ChatParams,
  ChatReadState,
  UnreadTotals,
  UnreadTotalsQuery,
} from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { Errors } from '../../errors.js'
import { toId } from '../../http/paging.js'
import { countUnreadChats, findChatReadState } from './read-report.js'

/**
 * opencrunch's read-state reports (decisions section 4, extensions): a chat's read positions and
 * unread counts, and the organization's unread chats per assignee, department and application.
 */
export function readReportRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function readReport(app) {
    app.get(
      '/chats/:chatId/readState',
      { schema: { params: ChatParams, response: { 200: ChatReadState } } },
      async (request) => {
        const { organizationId } = request.principal
        const state = await findChatReadState(db, organizationId, toId(request.params.chatId))
        if (!state) throw Errors.notFound('Chat')
        return state
      },
    )

    app.get(
      '/chats/unreadTotals',
      { schema: { querystring: UnreadTotalsQuery, response: { 200: UnreadTotals } } },
      async (request) =>
        countUnreadChats(db, request.principal.organizationId, request.query.side ?? 'agent'),
    )
  }
}
