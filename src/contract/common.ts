import Type, { type Static, type TSchema, type TUnsafe } from 'typebox'

/**
 * Builds schemas shared by every resource of the HelpCrunch v1 wire format.
 *
 * `x-expected` is read by the server's validation error renderer: it names the type a client should
 * have sent ("numeric", "bool", ...) in HelpCrunch's "This value should be of type X." messages.
 */

/** `T` or JSON `null`, written as a type array so the serializer keeps its fast path. */
export function Nullable<T extends TSchema & { type: string }>(
  schema: T,
): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] })
}

/** A timestamp on the wire: a string of whole UNIX seconds (`"1603885746"`). */
export const Timestamp = Type.String({ pattern: '^[0-9]+$', description: 'UNIX seconds' })

/** A timestamp that may be unset. */
export const NullableTimestamp = Nullable(Timestamp)

/** The largest id: 15 digits, well inside what a JSON number carries exactly. */
export const MAX_ID = 999_999_999_999_999

/** An id written as a string: up to 15 significant digits, leading zeros allowed, not zero. */
const ID_PATTERN = '^0*[1-9][0-9]{0,14}$'

/**
 * An id sent by a client: an integer, or a numeric string (`"5208"`) as real clients send.
 * Normalize it with `toId()` from the server's http helpers.
 */
export const IdInput = describedIdInput('Integer id, or the same id as a numeric string')

/** `IdInput` with a description of its own, for the OpenAPI document. */
export function describedIdInput(description: string) {
  return Type.Union(
    [Type.Integer({ minimum: 1, maximum: MAX_ID }), Type.String({ pattern: ID_PATTERN })],
    { 'x-expected': 'numeric', description },
  )
}

/** A reference to another entity that must be sent: an id, or `null` for none. */
export const NullableIdInput = Type.Union([IdInput, Type.Null()], {
  'x-expected': 'numeric',
  description: 'Id, or null for none',
})

/** An optional reference to another entity: an id, or `null` (or nothing) for none. */
export const OptionalIdInput = Type.Optional(NullableIdInput)

/**
 * A timestamp as a string of up to `digits` digits: whole UNIX seconds, with or without a
 * fraction of zeros. HelpCrunch's own snooze answer shows `"snoozedUntil": "1603864800.000"`, and
 * a client that sends such a value back means that second. Any other fraction is refused, not
 * rounded: which second it means is the client's to say. `Number()` of a match is a whole number.
 */
export const timestampString = (digits: number): RegExp =>
  new RegExp(`^[0-9]{1,${digits}}(\\.0{1,9})?$`)

/** A timestamp sent by a client: UNIX seconds as an integer or a numeric string. */
export const TimestampInput = Type.Union(
  [
    Type.Integer({ minimum: 0, maximum: 999_999_999_999 }),
    Type.String({ pattern: timestampString(12).source }),
  ],
  {
    'x-expected': 'numeric',
    description:
      'UNIX seconds, as an integer or a numeric string (`"1603864800"`, or `"1603864800.000"` as HelpCrunch writes some)',
  },
)

/** A path parameter holding an id. */
export const IdParam = Type.String({ pattern: ID_PATTERN, 'x-expected': 'numeric' })

/** `offset` and `limit` of every list, as query parameters. */
export const PageQuery = {
  offset: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Items to skip; default 0' }),
  ),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Items to return; default 100, capped at 100' }),
  ),
}

/** `sort` and `order` of a sortable list, as query parameters. */
export const SortQuery = {
  sort: Type.Optional(Type.String({ description: 'Field to sort by, with or without its prefix' })),
  order: Type.Optional(Type.String({ description: '`asc` or `desc`, in any case' })),
}

/** `{"data": [...], "meta": {"total": N}}`: chats, agents, departments, applications. */
export function MetaList<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    meta: Type.Object({ total: Type.Integer() }),
  })
}

/** `{"data": [...], "total": N}`: messages and customers. */
export function TotalList<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), total: Type.Integer() })
}

/** One entry of the HelpCrunch error envelope. */
export const ErrorEntry = Type.Object({ code: Type.String(), message: Type.String() })

/** `{"errors": [{"code", "message"}, ...]}`: every error answer. */
export const ErrorEnvelope = Type.Object({ errors: Type.Array(ErrorEntry) })
export type ErrorEnvelope = Static<typeof ErrorEnvelope>
