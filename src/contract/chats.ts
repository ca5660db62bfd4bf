import Type, { type Static, type TProperties } from 'typebox'
import { Agent } from './agents.js'
import {
  describedIdInput,
  IdInput,
  IdParam,
  MetaList,
  Nullable,
  NullableIdInput,
  NullableTimestamp,
  OptionalIdInput,
  PageQuery,
  SortQuery,
  Timestamp,
  TimestampInput,
} from './common.js'
import { CustomerRef } from './customers.js'
import { DepartmentRef } from './departments.js'
import { CHAT_STATUSES, RATINGS, SETTABLE_STATUS_PATTERN, StringEnum } from './enums.js'

const chatProperties = {
  id: Type.Integer(),
  closedBy: Nullable(Type.String({ description: '`customer` or `agent`' })),
  lastCustomerMessageAt: NullableTimestamp,
  status: StringEnum(CHAT_STATUSES),
  closedAt: NullableTimestamp,
  rating: Nullable(Type.String()),
  createdAt: Timestamp,
  lastMessageAt: NullableTimestamp,
  readByAgent: Type.Boolean({ description: 'Chat was read by the agent side' }),
  readByCustomer: Type.Boolean({ description: 'Chat was read by the customer side' }),
  createdWith: Nullable(Type.String()),
  snoozedUntil: NullableTimestamp,
  lastMessageText: Nullable(Type.String()),
  lastMessageId: Nullable(Type.Integer()),
  applicationId: Nullable(Type.Integer()),
  lastCommunicatedAgentId: Nullable(Type.Integer()),
  agents: Type.Array(Agent, { description: 'Agents who wrote at least one message' }),
  customer: CustomerRef,
  assignee: Nullable(Agent),
  department: Nullable(DepartmentRef),
} satisfies TProperties

type ChatKey = keyof typeof chatProperties

function ordered(keys: readonly ChatKey[]): typeof chatProperties {
  return Object.fromEntries(keys.map((key) => [key, chatProperties[key]])) as typeof chatProperties
}

/** Field order of the chat-model article (G3). */
const MODEL_ORDER = Object.keys(chatProperties) as ChatKey[]

/**
 * Field order of the "Mark chats as read" article: the read flags sit after `applicationId`.
 * The read endpoints answer in this order so a client sees exactly what the article shows.
 */
export const READ_ARTICLE_ORDER: readonly ChatKey[] = [
  'id',
  'closedBy',
  'lastCustomerMessageAt',
  'status',
  'closedAt',
  'rating',
  'createdAt',
  'lastMessageAt',
  'createdWith',
  'snoozedUntil',
  'lastMessageText',
  'lastMessageId',
  'applicationId',
  'readByAgent',
  'readByCustomer',
  'lastCommunicatedAgentId',
  'agents',
  'customer',
  'assignee',
  'department',
]

/** The Chat object, as the chat-model article orders it. */
export const Chat = Type.Object(ordered(MODEL_ORDER))
export type Chat = Static<typeof Chat>

/** The same Chat, in the order the read article shows it. */
export const ChatAsRead = Type.Object(ordered(READ_ARTICLE_ORDER))

/** `PUT /v1/chats/readByAgent`, `/readByCustomer` and `/read` */
export const ReadChatBody = Type.Object({
  id: IdInput,
  read: Type.Boolean({ description: 'true marks the side read; false marks it unread' }),
  upToMessageId: Type.Optional(
    describedIdInput(
      'opencrunch: with `read: true`, mark read only up to this message of the chat (what the ' +
        'client displayed). A read position never moves back.',
    ),
  ),
})
export type ReadChatBody = Static<typeof ReadChatBody>

/** `POST /v1/chats` */
export const CreateChatBody = Type.Object({
  customer: IdInput,
  application: IdInput,
  assignee: OptionalIdInput,
  department: OptionalIdInput,
})
export type CreateChatBody = Static<typeof CreateChatBody>

/** `PUT /v1/chats/snooze`: `snoozedUntil` must be sent; `null` unsnoozes. */
export const SnoozeChatBody = Type.Object({
  id: IdInput,
  snoozedUntil: Type.Union([TimestampInput, Type.Null()], {
    'x-expected': 'numeric',
    description: 'UNIX seconds, as an integer or a numeric string; null unsnoozes',
  }),
})
export type SnoozeChatBody = Static<typeof SnoozeChatBody>

/**
 * `PUT /v1/chats/status`: any documented spelling of a status in any case (`on hold`, `on-hold`,
 * `open`, ...) or its code 1-6, as a number or a string. `empty` (code 7) is not settable. Read
 * the value with `parseSettableChatStatus`. Any other value is "not a valid choice".
 */
export const ChatStatusBody = Type.Object({
  id: IdInput,
  status: Type.Union(
    [Type.String({ pattern: SETTABLE_STATUS_PATTERN }), Type.Integer({ minimum: 1, maximum: 6 })],
    { description: 'new, opened, pending, on hold, no communication or closed; or a code 1-6' },
  ),
})
export type ChatStatusBody = Static<typeof ChatStatusBody>

/** `PUT /v1/chats/assignee`: `assignee` must be sent; `null` unassigns. */
export const ChatAssigneeBody = Type.Object({ id: IdInput, assignee: NullableIdInput })
export type ChatAssigneeBody = Static<typeof ChatAssigneeBody>

/** `PUT /v1/chats/department`: `department` must be sent; `null` clears it. */
export const ChatDepartmentBody = Type.Object({ id: IdInput, department: NullableIdInput })
export type ChatDepartmentBody = Static<typeof ChatDepartmentBody>

/** `PUT /v1/chats/rate` */
export const RateChatBody = Type.Object({ id: IdInput, rating: StringEnum(RATINGS) })
export type RateChatBody = Static<typeof RateChatBody>

/** `GET /v1/chats/{chatId}` */
export const ChatParams = Type.Object({ chatId: IdParam })
export type ChatParams = Static<typeof ChatParams>

/** `GET /v1/chats` */
export const ListChatsQuery = Type.Object({ ...SortQuery, ...PageQuery })
export type ListChatsQuery = Static<typeof ListChatsQuery>
export const ChatList = MetaList(Chat)
export type ChatList = Static<typeof ChatList>

/** The sort fields `GET /v1/chats` accepts, without their `chats.` prefix. */
export const CHAT_SORT_FIELDS = [
  'createdAt',
  'lastCustomerMessageAt',
  'lastMessageAt',
  'closedAt',
] as const
export type ChatSortField = (typeof CHAT_SORT_FIELDS)[number]
