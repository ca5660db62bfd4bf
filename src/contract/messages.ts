import Type, { type Static } from 'typebox'
import { Agent } from './agents.js'
import {
  IdInput,
  Nullable,
  NullableTimestamp,
  OptionalIdInput,
  PageQuery,
  Timestamp,
  TotalList,
} from './common.js'
import { MESSAGE_TYPES, POSTABLE_MESSAGE_TYPES, StringEnum } from './enums.js'

/** The Message object, fields in HelpCrunch's documented order. */
export const Message = Type.Object({
  id: Type.Integer(),
  agent: Nullable(Agent),
  type: StringEnum(MESSAGE_TYPES),
  text: Nullable(Type.String()),
  read: Type.Boolean({ description: 'Whether the side the message is addressed to has read it' }),
  createdAt: Timestamp,
  updatedAt: NullableTimestamp,
  edited: Type.Boolean(),
  broadcastType: Nullable(Type.String()),
  chat: Type.Integer(),
  from: StringEnum(['agent', 'customer'] as const),
})
export type Message = Static<typeof Message>

/** `POST /v1/messages`: leave `agent` out to post as the customer. */
export const CreateMessageBody = Type.Object({
  chat: IdInput,
  text: Type.String({ minLength: 1, maxLength: 65535 }),
  type: StringEnum(POSTABLE_MESSAGE_TYPES),
  agent: OptionalIdInput,
  markdownText: Type.Optional(Type.String({ minLength: 1, maxLength: 65535 })),
})
export type CreateMessageBody = Static<typeof CreateMessageBody>

/** `GET /v1/chats/{chatId}/messages`: newest first. */
export const ListMessagesQuery = Type.Object(PageQuery)
export type ListMessagesQuery = Static<typeof ListMessagesQuery>
export const MessageList = TotalList(Message)
export type MessageList = Static<typeof MessageList>
