import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  BatchCustomerChangeBody,
  Customer,
  CustomerArray,
  CustomerChangeBody,
  CustomerDeleted,
  CustomerParams,
  TagCustomerBody,
  UntagCustomerBody,
} from '../../../contract/index.js'
import { nowSeconds, type AppDeps } from '../../deps.js'
import { toId } from '../../http/paging.js'
import { sendJson } from '../../http/send-json.js'
import {
  appendTags,
  changeCustomer,
  changeCustomers,
  removeCustomer,
  untagCustomer,
} from './customer-changes.service.js'
import { flattenLocation, flattenLocations } from './location-input.js'

/** `"Ok"` as JSON: HelpCrunch's documented body, still parsed by every client that expects JSON. */
const OK = '"Ok"'

/**
 * The customer endpoints that write: `PUT`/`PATCH /customers/{id}`, `PUT /customers/batch`,
 * `DELETE /customers/{id}` and the tag endpoints.
 */
export function customerChangesRoutes(deps: AppDeps): FastifyPluginAsyncTypebox {
  const { db } = deps
  return async function customerChanges(app) {
    // A static segment wins over a parameter, so `batch` is never taken for a customer id.
    app.put(
      '/customers/batch',
      { schema: { body: BatchCustomerChangeBody, response: { 200: CustomerArray } } },
      async (request) => {
        const changes = flattenLocations(request.body).map(({ customer, ...input }) => ({
          customerId: toId(customer),
          input,
        }))
        return changeCustomers(db, request.principal.organizationId, changes, nowSeconds(deps))
      },
    )

    for (const [method, mode] of [
      ['PUT', 'replace'],
      ['PATCH', 'merge'],
    ] as const) {
      app.route({
        method,
        url: '/customers/:customerId',
        schema: { params: CustomerParams, body: CustomerChangeBody, response: { 200: Customer } },
        handler: async (request) =>
          changeCustomer(
            db,
            request.principal.organizationId,
            {
              customerId: toId(request.params.customerId),
              input: flattenLocation(request.body),
            },
            mode,
            nowSeconds(deps),
          ),
      })
    }

    app.delete(
      '/customers/:customerId',
      { schema: { params: CustomerParams, response: { 200: CustomerDeleted } } },
      async (request, reply) => {
        await removeCustomer(db, request.principal.organizationId, toId(request.params.customerId))
        return sendJson(reply, OK)
      },
    )

    app.put(
      '/customers/:customerId/tags',
      { schema: { params: CustomerParams, body: TagCustomerBody, response: { 200: Customer } } },
      async (request) =>
        appendTags(
          db,
          request.principal.organizationId,
          toId(request.params.customerId),
          request.body.tags,
          nowSeconds(deps),
        ),
    )

    app.delete(
      '/customers/:customerId/tags',
      { schema: { params: CustomerParams, body: UntagCustomerBody, response: { 200: Customer } } },
      async (request) =>
        untagCustomer(
          db,
          request.principal.organizationId,
          toId(request.params.customerId),
          request.body.tags.map((tag) => tag.name),
          nowSeconds(deps),
        ),
    )
  }
}
