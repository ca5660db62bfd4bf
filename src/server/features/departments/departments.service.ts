import type { DepartmentList } from '../../../contract/index.js'
import type { Page } from '../../http/paging.js'
import type { Queryable } from '../../storage/db.js'
import { presentAgent } from '../agents/agents.presenter.js'
import { groupBy } from '../group.js'
import { countInOrganization } from '../scoped.repository.js'
import { listDepartmentAgents, listDepartments } from './departments.repository.js'

/** A page of the organization's departments, each with its agents, and their total. */
export async function listDepartmentPage(
  db: Queryable,
  organizationId: number,
  page: Page,
): Promise<DepartmentList> {
  const rows = await listDepartments(db, organizationId, page.limit, page.offset)
  const agentRows = await listDepartmentAgents(
    db,
    rows.map((row) => row.id),
  )
  const agents = groupBy(agentRows, (agent) => agent.department_id, presentAgent)
  return {
    data: rows.map((row) => ({ id: row.id, name: row.name, agents: agents.get(row.id) ?? [] })),
    meta: { total: await countInOrganization(db, 'departments', organizationId) },
  }
}
