import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CustomerList, SearchBody } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { pageOf, sortBy } from '../../http/paging.js'
import { readerOver } from '../scoped.repository.js'
import type { CustomerSortField } from '../customers/customers.repository.js'
import { searchCustomers } from './customer-search.js'

const SORT_FIELDS: readonly CustomerSortField[] = ['firstSeen', 'lastSeen', 'id']

/** `POST /v1/customers/search`: answered like `GET /v1/customers`, `{data, total}`. */
export function customerSearchRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function customerSearch(app) {
    app.post(
      '/customers/search',
      { schema: { body: SearchBody, response: { 200: CustomerList } } },
      async (request) => {
        const { body } = request
        const sort = sortBy(body, 'customers', SORT_FIELDS, { field: 'id', order: 'desc' })
        const paging = pageOf(body)
        const { organizationId } = request.principal
        // A search over many customers must not hold the event loop.
        const reader = await readerOver(db, 'customers', organizationId)
        return searchCustomers(reader, organizationId, body, sort, paging)
      },
    )
  }
}
