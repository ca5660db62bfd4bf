import type { Organization } from '../../../contract/index.js'
import { flag } from '../wire.js'
import type { OrganizationRow } from './organization.repository.js'

export function presentOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    domain: row.domain,
    teamOnline: flag(row.team_online),
    chatEnabled: flag(row.chat_enabled),
  }
}
