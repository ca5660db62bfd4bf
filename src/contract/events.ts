import Type, { type Static } from 'typebox'
import { IdInput, Timestamp } from './common.js'

/** Customer activity events (`POST /v1/events`), shown under "User Actions" in a profile. */

/** An event's data: a JSON object of any keys and values. */
export const EventData = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  additionalProperties: true,
  description: 'Any JSON object',
})

/** `POST /v1/events`: `data` may be left out (or sent as `null`) for none. */
export const CreateEventBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  data: Type.Optional(
    Type.Unsafe<Record<string, unknown> | null>({
      type: ['object', 'null'],
      additionalProperties: true,
      description: 'Any JSON object; null or absent for none',
    }),
  ),
  customer: IdInput,
})
export type CreateEventBody = Static<typeof CreateEventBody>

/** The Event object as the newest docs answer it (no `customer` field). */
export const Event = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  data: EventData,
  createdAt: Timestamp,
})
export type Event = Static<typeof Event>
