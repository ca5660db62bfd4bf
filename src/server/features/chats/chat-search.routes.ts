import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CHAT_SORT_FIELDS, ChatList, SearchBody } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { pageOf, sortBy } from '../../http/paging.js'
import { sendJson } from '../../http/send-json.js'
import { readerOver } from '../scoped.repository.js'
import { metaListJson } from '../wire.js'
import { searchChats } from './chat-search.js'

/** `POST /v1/chats/search`: answered like `GET /v1/chats`, `{data, meta: {total}}`. */
export function chatSearchRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function chatSearch(app) {
    app.post(
      '/chats/search',
      { schema: { body: SearchBody, response: { 200: ChatList } } },
      async (request, reply) => {
        const { body } = request
        const { organizationId } = request.principal
        const sort = sortBy(body, 'chats', CHAT_SORT_FIELDS, { field: 'createdAt', order: 'desc' })
        // A search over many chats must not hold the event loop.
        const reader = await readerOver(db, 'chats', organizationId)
        const found = await searchChats(reader, organizationId, body, sort, pageOf(body))
        return sendJson(reply, metaListJson(found.chats, found.total))
      },
    )
  }
}
