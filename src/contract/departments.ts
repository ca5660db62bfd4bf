import Type, { type Static } from 'typebox'
import { Agent } from './agents.js'
import { MetaList, PageQuery } from './common.js'

/** A department short reference, as embedded in a chat. */
export const DepartmentRef = Type.Object({ id: Type.Integer(), name: Type.String() })

/** A department with its agents, as `GET /v1/departments` lists it. */
export const Department = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  agents: Type.Array(Agent),
})
export type Department = Static<typeof Department>

/** `GET /v1/departments` */
export const ListDepartmentsQuery = Type.Object(PageQuery)
export const DepartmentList = MetaList(Department)
export type DepartmentList = Static<typeof DepartmentList>
