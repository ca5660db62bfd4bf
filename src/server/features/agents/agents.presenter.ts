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
