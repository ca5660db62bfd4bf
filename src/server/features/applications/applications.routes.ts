import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApplicationList, ListApplicationsQuery } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { page } from '../../http/paging.js'
import { flag } from '../wire.js'
import { countInOrganization } from '../scoped.repository.js'
import { listApplications } from './applications.repository.js'

export function applicationsRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function applications(app) {
    app.get(
      '/applications',
      { schema: { querystring: ListApplicationsQuery, response: { 200: ApplicationList } } },
      async (request) => {
        const { organizationId } = request.principal
        const { limit, offset } = page(request.query)
        const rows = await listApplications(db, organizationId, limit, offset)
        return {
          data: rows.map((row) => ({
            id: row.id,
            name: row.name,
            displayName: row.display_name,
            type: row.type,
            active: flag(row.active),
          })),
          meta: { total: await countInOrganization(db, 'applications', organizationId) },
        }
      },
    )
  }
}
