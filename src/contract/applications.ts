import Type, { type Static } from 'typebox'
import { MetaList, PageQuery } from './common.js'

/** An application: a widget or channel through which chats arrive. */
export const Application = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  displayName: Type.String(),
  type: Type.String(),
  active: Type.Boolean(),
})
export type Application = Static<typeof Application>

/** `GET /v1/applications` */
export const ListApplicationsQuery = Type.Object(PageQuery)
export const ApplicationList = MetaList(Application)
export type ApplicationList = Static<typeof ApplicationList>
