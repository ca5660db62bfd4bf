import Type, { type Static } from 'typebox'
import { Nullable } from './common.js'
import { StringEnum } from './enums.js'

/**
 * opencrunch's read-state extensions (decisions.md section 4): what HelpCrunch keeps behind its
 * two booleans, answered through endpoints of their own. Nothing here changes a documented answer.
 */

/** One side of a chat's read state. */
export const SideReadState = Type.Object({
  read: Type.Boolean({
    description: 'The flag the chat answers as `readByAgent`/`readByCustomer`',
  }),
  readUpToMessageId: Nullable(
    Type.Integer({ description: 'The newest message this side has read; null before any' }),
  ),
  unreadCount: Type.Integer({
    description:
      'Messages addressed to this side after its position: customer messages for the agents, ' +
      "agents' chat messages for the customer. A side marked unread by hand may show 0.",
  }),
})
export type SideReadState = Static<typeof SideReadState>

/** `GET /v1/chats/{chatId}/readState` */
export const ChatReadState = Type.Object({
  chatId: Type.Integer(),
  lastMessageId: Nullable(Type.Integer()),
  agent: SideReadState,
  customer: SideReadState,
})
export type ChatReadState = Static<typeof ChatReadState>

/** The sides, as the totals' query names them. */
export const READ_SIDES = ['agent', 'customer'] as const

/** `GET /v1/chats/unreadTotals` */
export const UnreadTotalsQuery = Type.Object({
  side: Type.Optional(
    StringEnum(READ_SIDES, { description: 'Whose unread chats to count; default `agent`' }),
  ),
})
export type UnreadTotalsQuery = Static<typeof UnreadTotalsQuery>

/** Unread chats of one assignee, department or application; `id` null for chats without one. */
export const UnreadGroup = Type.Object({
  id: Nullable(Type.Integer()),
  chats: Type.Integer(),
})

export const UnreadTotals = Type.Object({
  side: StringEnum(READ_SIDES),
  chats: Type.Integer({ description: 'Chats of the organization unread for that side' }),
  byAssignee: Type.Array(UnreadGroup),
  byDepartment: Type.Array(UnreadGroup),
  byApplication: Type.Array(UnreadGroup),
})
export type UnreadTotals = Static<typeof UnreadTotals>
