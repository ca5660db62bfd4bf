import type { Agent, AgentRole } from '../../../contract/index.js'

export interface AgentFields {
  id: number
  name: string
  email: string
  role: string
}

export function presentAgent(row: AgentFields): Agent {
  return { id: row.id, name: row.name, email: row.email, role: row.role as AgentRole }
}

/** An agent read through a join: `null` when the join found none. */
export function presentJoinedAgent(
  id: number | null,
  name: string | null,
  email: string | null,
  role: string | null,
): Agent | null {
  if (id === null) return null
  return presentAgent({ id, name: name ?? '', email: email ?? '', role: role ?? 'agent' })
}
