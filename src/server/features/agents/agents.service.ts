import type { AgentList } from '../../../contract/index.js'
import type { Page } from '../../http/paging.js'
import type { Queryable } from '../../storage/db.js'
import { countInOrganization } from '../scoped.repository.js'
import { presentAgent } from './agents.presenter.js'
import { listAgents } from './agents.repository.js'

/** A page of the organization's team members, by id, and their total. */
export async function listAgentPage(
  db: Queryable,
  organizationId: number,
  page: Page,
): Promise<AgentList> {
  const rows = await listAgents(db, organizationId, page.limit, page.offset)
  return {
    data: rows.map(presentAgent),
    meta: { total: await countInOrganization(db, 'agents', organizationId) },
  }
}
