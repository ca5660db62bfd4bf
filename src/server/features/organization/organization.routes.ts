import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { OrganizationResponse } from '../../../contract/index.js'
import type { AppDeps } from '../../deps.js'
import { presentOrganization } from './organization.presenter.js'
import { findOrganizationById } from './organization.repository.js'

export function organizationRoutes({ db }: AppDeps): FastifyPluginAsyncTypebox {
  return async function organization(app) {
    app.get(
      '/organization',
      { schema: { response: { 200: OrganizationResponse } } },
      async (request) => {
        const row = await findOrganizationById(db, request.principal.organizationId)
        // The key's organization exists: keys are deleted with it.
        return { data: presentOrganization(row!) }
      },
    )
  }
}
