import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DepartmentList, ListDepartmentsQuery } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { page } from '../../http/paging.js'
import { listDepartmentPage } from './departments.service.js'

export function departmentsRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function departments(app) {
    app.get(
      '/departments',
      { schema: { querystring: ListDepartmentsQuery, response: { 200: DepartmentList } } },
      (request) => listDepartmentPage(db, request.principal.organizationId, page(request.query)),
    )
  }
}
