import type { ApplicationList } from '../../../contract/index.js'
import type { Page } from '../../http/paging.js'
import type { Queryable } from '../../storage/db.js'
import { countInOrganization } from '../scoped.repository.js'
import { presentApplication } from './applications.presenter.js'
import { listApplications } from './applications.repository.js'

/** A page of the organization's applications, by id, and their total. */
export async function listApplicationPage(
  db: Queryable,
  organizationId: number,
  page: Page,
): Promise<ApplicationList> {
  const rows = await listApplications(db, organizationId, page.limit, page.offset)
  return {
    data: rows.map(presentApplication),
    meta: { total: await countInOrganization(db, 'applications', organizationId) },
  }
}
