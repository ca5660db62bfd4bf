import type { Queryable } from '../../storage/db.js'

export interface OrganizationRow {
  id: number
  domain: string
  team_online: number
  chat_enabled: number
  created_at: number
}

const COLUMNS = 'id, domain, team_online, chat_enabled, created_at'

export function findOrganizationById(db: Queryable, id: number) {
  return db.get<OrganizationRow>(`SELECT ${COLUMNS} FROM organizations WHERE id = ?`, [id])
}

export function findOrganizationByDomain(db: Queryable, domain: string) {
  return db.get<OrganizationRow>(`SELECT ${COLUMNS} FROM organizations WHERE domain = ?`, [domain])
}

export function listOrganizations(db: Queryable) {
  return db.all<OrganizationRow>(`SELECT ${COLUMNS} FROM organizations ORDER BY id`)
}

export interface NewOrganization {
  id?: number | undefined
  domain: string
  teamOnline: boolean
  chatEnabled: boolean
  createdAt: number
}

export async function insertOrganization(db: Queryable, org: NewOrganization): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO organizations (id, domain, team_online, chat_enabled, created_at)
     VALUES (${db.dialect.newId('organizations')}, ?, ?, ?, ?) RETURNING id`,
    [org.id ?? null, org.domain, org.teamOnline ? 1 : 0, org.chatEnabled ? 1 : 0, org.createdAt],
  )
  return row!.id
}
