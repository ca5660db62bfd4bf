import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DepartmentList, ListDepartmentsQuery } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { page } from '../../http/paging.js'
import { presentAgent } from '../agents/agents.presenter.js'
import { groupBy } from '../group.js'
import { countInOrganization } from '../scoped.repository.js'
import { listDepartmentAgents, listDepartments } from './departments.repository.js'

export function departmentsRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function departments(app) {
    app.get(
      '/departments',
      { schema: { querystring: ListDepartmentsQuery, response: { 200: DepartmentList } } },
      async (request) => {
        const { organizationId } = request.principal
        const { limit, offset } = page(request.query)
        const rows = await listDepartments(db, organizationId, limit, offset)
        const agentRows = await listDepartmentAgents(
          db,
          rows.map((row) => row.id),
        )
        const agents = groupBy(agentRows, (agent) => agent.department_id, presentAgent)
        return {
          data: rows.map((row) => ({
            id: row.id,
            name: row.name,
            agents: agents.get(row.id) ?? [],
          })),
          meta: { total: await countInOrganization(db, 'departments', organizationId) },
        }
      },
    )
  }
}
