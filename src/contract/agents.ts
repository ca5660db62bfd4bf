import Type, { type Static } from 'typebox'
import { MetaList, PageQuery } from './common.js'
import { AGENT_ROLES, StringEnum } from './enums.js'

/** A team member: `{id, name, email, role}`, embedded in chats, messages and departments. */
export const Agent = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
  role: StringEnum(AGENT_ROLES),
})
export type Agent = Static<typeof Agent>

/** `GET /v1/agents` */
export const ListAgentsQuery = Type.Object(PageQuery)
export const AgentList = MetaList(Agent)
export type AgentList = Static<typeof AgentList>
