import type { Queryable } from '../../storage/db.js'
import type { AgentFields } from './agents.presenter.js'

export function findAgent(db: Queryable, organizationId: number, agentId: number) {
  return db.get<AgentFields>(
    'SELECT id, name, email, role FROM agents WHERE id = ? AND organization_id = ?',
    [agentId, organizationId],
  )
}

export function listAgents(db: Queryable, organizationId: number, limit: number, offset: number) {
  return db.all<AgentFields>(
    `SELECT id, name, email, role FROM agents WHERE organization_id = ?
     ORDER BY id LIMIT ? OFFSET ?`,
    [organizationId, limit, offset],
  )
}

export interface NewAgent {
  id?: number | undefined
  organizationId: number
  name: string
  email: string
  role: string
}

export async function insertAgent(db: Queryable, agent: NewAgent): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO agents (id, organization_id, name, email, role) VALUES (${db.dialect.newId('agents')}, ?, ?, ?, ?) RETURNING id`,
    [agent.id ?? null, agent.organizationId, agent.name, agent.email, agent.role],
  )
  return row!.id
}

/** Turns HelpCrunch's newsletters off for an agent; false if the organization has no such agent. */
export async function unsubscribeAgent(
  db: Queryable,
  organizationId: number,
  agentId: number,
): Promise<boolean> {
  const changed = await db.run(
    'UPDATE agents SET newsletter_subscribed = 0 WHERE id = ? AND organization_id = ?',
    [agentId, organizationId],
  )
  return changed === 1
}
