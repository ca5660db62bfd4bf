import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CreateEventBody, Event } from '../../../contract/index.js'
import { nowSeconds, type AppDeps } from '../../deps.js'
import { toId } from '../../http/paging.js'
import { recordEvent } from './events.service.js'

/** `POST /v1/events`: customer activity events. */
export function eventsRoutes(deps: AppDeps): FastifyPluginAsyncTypebox {
  const { db } = deps
  return async function events(app) {
    app.post(
      '/events',
      { schema: { body: CreateEventBody, response: { 200: Event } } },
      async (request) => {
        const { body } = request
        return recordEvent(db, request.principal.organizationId, {
          customerId: toId(body.customer),
          name: body.name,
          data: body.data ?? {},
          createdAt: nowSeconds(deps),
        })
      },
    )
  }
}
