import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AgentList, ListAgentsQuery } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { page } from '../../http/paging.js'
import { countInOrganization } from '../scoped.repository.js'
import { presentAgent } from './agents.presenter.js'
import { listAgents } from './agents.repository.js'

export function agentsRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function agents(app) {
    app.get(
      '/agents',
      { schema: { querystring: ListAgentsQuery, response: { 200: AgentList } } },
      async (request) => {
        const { organizationId } = request.principal
        const { limit, offset } = page(request.query)
        const rows = await listAgents(db, organizationId, limit, offset)
        return {
          data: rows.map(presentAgent),
          meta: { total: await countInOrganization(db, 'agents', organizationId) },
        }
      },
    )
  }
}
