import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DepartmentList, ListDepartmentsQuery, type Agent } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { page } from '../../http/paging.js'
import { presentAgent } from '../agents/agents.presenter.js'
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
        const agents = new Map<number, Agent[]>()
        for (const agentRow of agentRows) {
          const list = agents.get(agentRow.department_id) ?? []
          list.push(presentAgent(agentRow))
          agents.set(agentRow.department_id, list)
        }
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
