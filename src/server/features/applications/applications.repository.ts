import type { Queryable } from '../../storage/db.js'

export interface ApplicationRow {
  id: number
  name: string
  display_name: string
  type: string
  active: number
}

export function listApplications(
  db: Queryable,
  organizationId: number,
  limit: number,
  offset: number,
) {
  return db.all<ApplicationRow>(
    `SELECT id, name, display_name, type, active FROM applications WHERE organization_id = ?
     ORDER BY id LIMIT ? OFFSET ?`,
    [organizationId, limit, offset],
  )
}

export interface NewApplication {
  id?: number | undefined
  organizationId: number
  name: string
  displayName: string
  type: string
  active: boolean
}

export async function insertApplication(db: Queryable, app: NewApplication): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO applications (id, organization_id, name, display_name, type, active)
     VALUES (${db.dialect.newId('applications')}, ?, ?, ?, ?, ?) RETURNING id`,
    [app.id ?? null, app.organizationId, app.name, app.displayName, app.type, app.active ? 1 : 0],
  )
  return row!.id
}
