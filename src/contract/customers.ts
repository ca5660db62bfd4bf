import Type, { type Static, type TSchema } from 'typebox'
import {
  IdInput,
  IdParam,
  Nullable,
  NullableTimestamp,
  PageQuery,
  SortQuery,
  TimestampInput,
  TotalList,
} from './common.js'

/** A customer short reference, as embedded in a chat. */
export const CustomerRef = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  userId: Nullable(Type.String()),
})

export const Tag = Type.Object({ name: Type.String(), color: Type.String() })
export type Tag = Static<typeof Tag>

/** Custom data as HelpCrunch answers it: an object of scalar values. */
export const CustomData = Type.Unsafe<Record<string, string | number | boolean | null>>({
  type: 'object',
  additionalProperties: true,
  description: 'Custom attributes, property name to scalar value',
})

export const Location = Type.Object({
  regionCode: Nullable(Type.String()),
  countryCode: Nullable(Type.String()),
  city: Nullable(Type.String()),
})

export const Device = Type.Object({
  id: Type.Integer(),
  ip: Nullable(Type.String()),
  timezone: Nullable(Type.String()),
  platform: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
})

/** The Customer object, fields in HelpCrunch's documented order. */
export const Customer = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  userId: Nullable(Type.String()),
  company: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  firstSeen: NullableTimestamp,
  lastSeen: NullableTimestamp,
  location: Location,
  device: Nullable(Device),
  unsubscribed: Type.Boolean(),
  blocked: Type.Boolean(),
  source: Nullable(Type.String()),
  referer: Nullable(Type.String()),
  lastPage: Nullable(Type.String()),
  locale: Nullable(Type.String()),
  createdFrom: Nullable(Type.String()),
  integrationId: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  tags: Type.Array(Tag),
  customData: CustomData,
})
export type Customer = Static<typeof Customer>

/** An optional input field that may also be sent as `null` to clear it. */
function Clearable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Optional(Nullable(schema))
}

const Text = (maxLength: number) => Type.String({ maxLength })

const ScalarValue = Type.Unsafe<string | number | boolean | null>({
  type: ['string', 'number', 'boolean', 'null'],
  'x-expected': 'string|int|float|bool',
})

/** A custom attribute's name: not empty, and not one that reaches into JavaScript prototypes. */
const PROPERTY_NAME = '^(?!(__proto__|constructor|prototype)$).{1,255}$'

/** Custom data as clients send it: the documented list form, or the object form. */
export const CustomDataInput = Type.Union(
  [
    Type.Array(
      Type.Object({ property: Type.String({ pattern: PROPERTY_NAME }), value: ScalarValue }),
      { maxItems: 200 },
    ),
    Type.Unsafe<Record<string, string | number | boolean | null>>({
      type: 'object',
      patternProperties: { [PROPERTY_NAME]: ScalarValue },
      additionalProperties: false,
      maxProperties: 200,
    }),
  ],
  { 'x-expected': 'array' },
)
export type CustomDataInput = Static<typeof CustomDataInput>

export const TagInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  color: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
})

/**
 * The location as a customer answers it, taken back in a body: each of its fields is the same as
 * the top-level `city`, `regionCode` or `countryCode`, so a customer read and sent back keeps it.
 */
export const LocationInput = Type.Object({
  regionCode: Clearable(Text(16)),
  countryCode: Clearable(Text(16)),
  city: Clearable(Text(255)),
})

/**
 * Every writable customer field, all optional; the text and time fields may be sent as `null` to
 * clear them (the update bodies also take `null` for the flags, tags and custom data).
 */
export const CustomerFields = {
  name: Clearable(Text(255)),
  email: Clearable(Type.String({ format: 'email', maxLength: 255 })),
  userId: Clearable(Text(255)),
  company: Clearable(Text(255)),
  phone: Clearable(Text(64)),
  firstSeen: Type.Optional(Type.Union([TimestampInput, Type.Null()], { 'x-expected': 'numeric' })),
  lastSeen: Type.Optional(Type.Union([TimestampInput, Type.Null()], { 'x-expected': 'numeric' })),
  unsubscribed: Type.Optional(Type.Boolean()),
  blocked: Type.Optional(Type.Boolean()),
  source: Clearable(Text(2048)),
  referer: Clearable(Text(2048)),
  lastPage: Clearable(Text(2048)),
  locale: Clearable(Text(16)),
  createdFrom: Clearable(Text(64)),
  integrationId: Clearable(Text(255)),
  notes: Clearable(Text(65535)),
  city: Clearable(Text(255)),
  regionCode: Clearable(Text(16)),
  countryCode: Clearable(Text(16)),
  tags: Type.Optional(Type.Array(TagInput, { maxItems: 100 })),
  customData: Type.Optional(CustomDataInput),
}

/**
 * `location` as a customer is answered, in the API's bodies (not in fixtures, which give its three
 * fields): see `LocationInput`.
 */
const LocationField = { location: Clearable(LocationInput) }

/** `POST /v1/customers`: no field is required. */
export const CreateCustomerBody = Type.Object({ ...CustomerFields, ...LocationField })
export type CreateCustomerBody = Static<typeof CreateCustomerBody>

/** `GET /v1/customers` */
export const ListCustomersQuery = Type.Object({ ...SortQuery, ...PageQuery })
export type ListCustomersQuery = Static<typeof ListCustomersQuery>
export const CustomerList = TotalList(Customer)
export type CustomerList = Static<typeof CustomerList>

/** The path of every endpoint about one customer. */
export const CustomerParams = Type.Object({ customerId: IdParam })

/**
 * Every writable customer field of `PUT`/`PATCH`: `CustomerFields`, where `null` also clears the
 * booleans (to false), `tags` (to none) and `customData` (to `{}`), as HelpCrunch's "pass null to
 * clear a field" says.
 */
export const CustomerChangeFields = {
  ...CustomerFields,
  ...LocationField,
  unsubscribed: Type.Optional(Nullable(Type.Boolean())),
  blocked: Type.Optional(Nullable(Type.Boolean())),
  tags: Type.Optional(Nullable(Type.Array(TagInput, { maxItems: 100 }))),
  customData: Type.Optional(Type.Union([CustomDataInput, Type.Null()], { 'x-expected': 'array' })),
}

/** `PUT /v1/customers/{customerId}` (unmentioned fields cleared) and `PATCH` (left alone). */
export const CustomerChangeBody = Type.Object(CustomerChangeFields)
export type CustomerChangeBody = Static<typeof CustomerChangeBody>

/** One item of `PUT /v1/customers/batch`: the customer's id and the fields to change. */
export const BatchCustomerChange = Type.Object({ customer: IdInput, ...CustomerChangeFields })
export type BatchCustomerChange = Static<typeof BatchCustomerChange>

/** `PUT /v1/customers/batch`: 1 to 10 changes, applied as `PATCH`es, all or nothing. */
export const BatchCustomerChangeBody = Type.Array(BatchCustomerChange, {
  minItems: 1,
  maxItems: 10,
})
export type BatchCustomerChangeBody = Static<typeof BatchCustomerChangeBody>

/** The answer of a batch: the customers changed, in the order of the items. */
export const CustomerArray = Type.Array(Customer)

/** `PUT /v1/customers/{customerId}/tags`: tags to add, created with their color when unknown. */
export const TagCustomerBody = Type.Object({
  tags: Type.Array(TagInput, { minItems: 1, maxItems: 100 }),
})
export type TagCustomerBody = Static<typeof TagCustomerBody>

/** `DELETE /v1/customers/{customerId}/tags`: names of the tags to take off. */
export const UntagCustomerBody = Type.Object({
  tags: Type.Array(Type.Object({ name: TagInput.properties.name }), { minItems: 1, maxItems: 100 }),
})
export type UntagCustomerBody = Static<typeof UntagCustomerBody>

/** The answer of `DELETE /v1/customers/{customerId}`: the JSON string `"Ok"`. */
export const CustomerDeleted = Type.Literal('Ok')
