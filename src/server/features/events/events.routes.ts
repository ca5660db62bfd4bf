import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppDeps } from '../../deps.js'

/** `POST /v1/events`: customer activity events. */
export function eventsRoutes(_deps: AppDeps): FastifyPluginAsyncTypebox {
  return async function events() {}
}
