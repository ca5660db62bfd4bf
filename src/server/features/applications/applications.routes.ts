import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApplicationList, ListApplicationsQuery } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { page } from '../../http/paging.js'
import { listApplicationPage } from './applications.service.js'

export function applicationsRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function applications(app) {
    app.get(
      '/applications',
      { schema: { querystring: ListApplicationsQuery, response: { 200: ApplicationList } } },
      (request) => listApplicationPage(db, request.principal.organizationId, page(request.query)),
    )
  }
}
