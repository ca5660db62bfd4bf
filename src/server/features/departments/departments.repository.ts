import type { Queryable } from '../../storage/db.js'
import { placeholders } from '../../storage/sql.js'

export interface DepartmentRow {
  id: number
  name: string
}

export interface DepartmentAgentRow {
  department_id: number
  id: number
  name: string
  email: string
  role: string
}

export function listDepartments(
  db: Queryable,
  organizationId: number,
  limit: number,
  offset: number,
) {
  return db.all<DepartmentRow>(
    'SELECT id, name FROM departments WHERE organization_id = ? ORDER BY id LIMIT ? OFFSET ?',
    [organizationId, limit, offset],
  )
}

/** The agents of each of `departmentIds`, in the order they were added. */
export function listDepartmentAgents(db: Queryable, departmentIds: readonly number[]) {
  if (departmentIds.length === 0) return Promise.resolve([])
  return db.all<DepartmentAgentRow>(
    `SELECT da.department_id, a.id, a.name, a.email, a.role
     FROM department_agents da JOIN agents a ON a.id = da.agent_id
     WHERE da.department_id IN (${placeholders(departmentIds.length)})
     ORDER BY da.department_id, da.position`,
    departmentIds,
  )
}

export async function insertDepartment(
  db: Queryable,
  department: { id?: number | undefined; organizationId: number; name: string },
): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO departments (id, organization_id, name) VALUES (${db.dialect.newId('departments')}, ?, ?) RETURNING id`,
    [department.id ?? null, department.organizationId, department.name],
  )
  return row!.id
}

export function addDepartmentAgent(
  db: Queryable,
  departmentId: number,
  agentId: number,
  position: number,
) {
  return db.run(
    'INSERT INTO department_agents (department_id, agent_id, position) VALUES (?, ?, ?)',
    [departmentId, agentId, position],
  )
}
