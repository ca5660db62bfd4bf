import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { AgentList, IdParam, ListAgentsQuery } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { Errors } from '../../errors.js'
import { page, toId } from '../../http/paging.js'
import { sendJson } from '../../http/send-json.js'
import { OK_JSON } from '../wire.js'
import { unsubscribeAgent } from './agents.repository.js'
import { listAgentPage } from './agents.service.js'

const AgentParams = Type.Object({ agentId: IdParam })

/**
 * `GET /v1/agents` and `GET /v1/agents/{id}/unsubscribe` (a GET that changes state, as HelpCrunch
 * documents it: the agent stops getting HelpCrunch's newsletters).
 */
export function agentsRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function agents(app) {
    app.get(
      '/agents',
      { schema: { querystring: ListAgentsQuery, response: { 200: AgentList } } },
      (request) => listAgentPage(db, request.principal.organizationId, page(request.query)),
    )

    app.get(
      '/agents/:agentId/unsubscribe',
      { schema: { params: AgentParams, response: { 200: Type.Literal('Ok') } } },
      async (request, reply) => {
        const { organizationId } = request.principal
        if (!(await unsubscribeAgent(db, organizationId, toId(request.params.agentId)))) {
          throw Errors.notFound('Agent')
        }
        return sendJson(reply, OK_JSON)
      },
    )
  }
}
