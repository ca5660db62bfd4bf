import Type, { type Static } from 'typebox'

/** The organization the API key belongs to, with its two switchers. */
export const Organization = Type.Object({
  id: Type.Integer(),
  domain: Type.String(),
  teamOnline: Type.Boolean(),
  chatEnabled: Type.Boolean(),
})
export type Organization = Static<typeof Organization>

/** `GET /v1/organization`: the one single object HelpCrunch wraps in `data`. */
export const OrganizationResponse = Type.Object({ data: Organization })
export type OrganizationResponse = Static<typeof OrganizationResponse>
