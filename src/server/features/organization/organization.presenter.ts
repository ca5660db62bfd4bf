import type { Organization } from '../../../contract/index.js'
import type { OrganizationRow } from './organization.repository.js'

export function presentOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    domain: row.domain,
    teamOnline: row.team_online === 1,
    chatEnabled: row.chat_enabled === 1,
  }
}
