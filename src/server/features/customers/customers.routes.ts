import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CreateCustomerBody,
  Customer,
  CustomerList,
  CustomerParams,
  ListCustomersQuery,
} from '../../../contract/index.js'
import { nowSeconds, type AppDeps } from '../../deps.js'
import { Errors } from '../../errors.js'
import { page, sortBy, toId } from '../../http/paging.js'
import { customerChangesRoutes } from './customer-changes.routes.js'
import type { CustomerSortField } from './customers.repository.js'
import { createCustomer, listCustomerPage, loadCustomer } from './customers.service.js'
import { flattenLocation } from './location-input.js'

const SORT_FIELDS: readonly CustomerSortField[] = ['firstSeen', 'lastSeen', 'id']

export function customersRoutes(deps: AppDeps): FastifyPluginAsyncTypebox {
  const { db } = deps
  return async function customers(app) {
    app.get(
      '/customers',
      { schema: { querystring: ListCustomersQuery, response: { 200: CustomerList } } },
      async (request) => {
        const sort = sortBy(request.query, 'customers', SORT_FIELDS, { field: 'id', order: 'desc' })
        return listCustomerPage(db, request.principal.organizationId, sort, page(request.query))
      },
    )

    app.get(
      '/customers/:customerId',
      { schema: { params: CustomerParams, response: { 200: Customer } } },
      async (request) => {
        const customer = await loadCustomer(
          db,
          request.principal.organizationId,
          toId(request.params.customerId),
        )
        if (!customer) throw Errors.notFound('Customer')
        return customer
      },
    )

    app.post(
      '/customers',
      { schema: { body: CreateCustomerBody, response: { 201: Customer } } },
      async (request, reply) => {
        const customer = await createCustomer(
          db,
          request.principal.organizationId,
          flattenLocation(request.body),
          nowSeconds(deps),
        )
        return reply.code(201).send(customer)
      },
    )

    await app.register(customerChangesRoutes(deps))
  }
}
