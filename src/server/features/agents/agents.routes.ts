import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AgentList, ListAgentsQuery } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { page } from '../../http/paging.js'
import { listAgentPage } from './agents.service.js'

export function agentsRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function agents(app) {
    app.get(
      '/agents',
      { schema: { querystring: ListAgentsQuery, response: { 200: AgentList } } },
      (request) => listAgentPage(db, request.principal.organizationId, page(request.query)),
    )
  }
}
