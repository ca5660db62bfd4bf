import Type, { type Static, type TProperties } from 'typebox'
import { Agent } from './agents.js'
import {
  IdInput,
  IdParam,
  MetaList,
  Nullable,
  NullableTimestamp,
  OptionalIdInput,
  PageQuery,
  SortQuery,
  Timestamp,
} from './common.js'
import { CustomerRef } from './customers.js'
import { DepartmentRef } from './departments.js'
import { CHAT_STATUSES, StringEnum } from './enums.js'

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
