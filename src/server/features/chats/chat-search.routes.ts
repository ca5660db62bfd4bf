import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppDeps } from '../../deps.js'

/** `POST /v1/chats/search` */
export function chatSearchRoutes(_deps: AppDeps): FastifyPluginAsyncTypebox {
  return async function chatSearch() {}
}
