import type {
  Customer,
  CustomDataInput,
  CustomerChangeBody,
  TagCustomerBody,
} from '../../../contract/index.js'
import { Errors } from '../../errors.js'
import type { Db, Queryable, SqlValue } from '../../storage/db.js'
import { requireInOrganization } from '../scoped.repository.js'
import {
  clearCustomerTags,
  deleteCustomer,
  deleteCustomerChats,
  findCustomer,
  removeCustomerTags,
  updateCustomer,
  type CustomerColumn,
  type CustomerRow,
  type CustomerValues,
} from './customers.repository.js'
import {
  loadCustomer,
  newCustomerValues,
  normalizeCustomData,
  tagCustomer,
} from './customers.service.js'

/**
 * What a change does with the fields it does not mention: `replace` (`PUT`) clears them, `merge`
 * (`PATCH`) leaves them as they are.
 */
export type ChangeMode = 'replace' | 'merge'

/** One item of a batch: which customer, and its change. */
export interface CustomerChange {
  readonly customerId: number
  /** The body, its `location` already taken as the top-level fields (location-input.ts). */
  readonly input: Omit<CustomerChangeBody, 'location'>
}

/** The column each writable field is stored in; tags live in a table of their own. */
const FIELD_COLUMNS = {
  name: 'name',
  email: 'email',
  userId: 'user_id',
  company: 'company',
  phone: 'phone',
  firstSeen: 'first_seen',
  lastSeen: 'last_seen',
  city: 'city',
  regionCode: 'region_code',
  countryCode: 'country_code',
  unsubscribed: 'unsubscribed',
  blocked: 'blocked',
  source: 'source',
  referer: 'referer',
  lastPage: 'last_page',
  locale: 'locale',
  createdFrom: 'created_from',
  integrationId: 'integration_id',
  notes: 'notes',
  customData: 'custom_data',
} as const satisfies Record<Exclude<keyof CustomerChangeBody, 'tags' | 'location'>, CustomerColumn>

const FIELDS = Object.keys(FIELD_COLUMNS) as Array<keyof typeof FIELD_COLUMNS>

type StoredCustomData = Record<string, SqlValue | boolean>

/**
 * `stored` with the properties of `given` set, those given as `null` removed, the others kept.
 * Names were checked at the edge (never `__proto__`), and a Map keeps them plain data anyway.
 */
function mergeCustomData(stored: StoredCustomData, given: CustomDataInput): StoredCustomData {
  const merged = new Map(Object.entries(stored))
  for (const [property, value] of Object.entries(normalizeCustomData(given))) {
    if (value === null) merged.delete(property)
    else merged.set(property, value)
  }
  return Object.fromEntries(merged)
}

/** The columns a `PUT` writes: every writable one, unmentioned fields unset; never the device. */
function replacementValues(input: CustomerChangeBody): Partial<CustomerValues> {
  // The device is recorded by the widget, not written through the API: a PUT keeps it.
  return { ...newCustomerValues(input), device: undefined }
}

/** The columns a `PATCH` writes: those of the fields it mentions, custom data merged. */
function mergedValues(input: CustomerChangeBody, current: CustomerRow): Partial<CustomerValues> {
  const all = newCustomerValues(input)
  const values: Partial<CustomerValues> = {}
  for (const field of FIELDS) {
    if (input[field] !== undefined) values[FIELD_COLUMNS[field]] = all[FIELD_COLUMNS[field]]
  }
  if (input.customData) {
    const stored = JSON.parse(current.custom_data) as StoredCustomData
    values.custom_data = JSON.stringify(mergeCustomData(stored, input.customData))
  }
  return values
}

/**
 * Takes the customer's row lock for the rest of the transaction by setting its `updated_at` to
 * `now` (every change writes it anyway), so a change reads what it then writes with nobody in
 * between. 404 when the organization has no such customer.
 */
async function lockCustomer(
  tx: Queryable,
  organizationId: number,
  customerId: number,
  now: number,
): Promise<void> {
  if ((await updateCustomer(tx, organizationId, customerId, {}, now)) === 0) {
    throw Errors.notFound('Customer')
  }
}

/**
 * Applies one change inside the caller's transaction: 404 when the organization has no such
 * customer, 400 `invalid_userId_value` when another of its customers has the `userId` asked for.
 * Tags given (or any `PUT`) become exactly the customer's tags, in the order given.
 */
async function applyChange(
  tx: Queryable,
  db: Pick<Db, 'isUniqueViolation'>,
  organizationId: number,
  { customerId, input }: CustomerChange,
  mode: ChangeMode,
  now: number,
): Promise<void> {
  // Read under the row's lock: what the change merges stays true until it commits.
  const current = await findCustomer(tx, organizationId, customerId, true)
  if (!current) throw Errors.notFound('Customer')
  const values = mode === 'replace' ? replacementValues(input) : mergedValues(input, current)
  try {
    await updateCustomer(tx, organizationId, customerId, values, now)
  } catch (error) {
    if (db.isUniqueViolation(error)) throw Errors.duplicateUserId()
    throw error
  }
  if (mode === 'replace' || input.tags !== undefined) {
    await clearCustomerTags(tx, customerId)
    await tagCustomer(tx, organizationId, customerId, input.tags ?? [])
  }
}

/**
 * `PUT` (`replace`) or `PATCH` (`merge`) of one customer, all or nothing; `now` (UNIX seconds)
 * becomes its `updated_at`. Resolves to the customer as stored. Never touches another
 * organization's customer (a 404), the customer's device, or its chats.
 */
export function changeCustomer(
  db: Db,
  organizationId: number,
  change: CustomerChange,
  mode: ChangeMode,
  now: number,
): Promise<Customer> {
  return db.transaction(async (tx) => {
    await applyChange(tx, db, organizationId, change, mode, now)
    return (await loadCustomer(tx, organizationId, change.customerId))!
  })
}

/**
 * `PUT /v1/customers/batch`: each change applied as a `PATCH`, in order, in one transaction: one
 * unknown customer (404) or taken `userId` (400) and nothing changes. Resolves to the customers
 * as stored after the whole batch, in the order of the changes (a customer named twice is
 * answered twice, both times as it ended).
 */
export function changeCustomers(
  db: Db,
  organizationId: number,
  changes: readonly CustomerChange[],
  now: number,
): Promise<Customer[]> {
  return db.transaction(async (tx) => {
    for (const change of changes) await applyChange(tx, db, organizationId, change, 'merge', now)
    const customers: Customer[] = []
    for (const { customerId } of changes) {
      customers.push((await loadCustomer(tx, organizationId, customerId))!)
    }
    return customers
  })
}

/**
 * Deletes a customer and everything of theirs: their chats (with the chats' messages, read
 * states and agents), events and tag links, keeping the organization's counts of chats and
 * customers right. 404 when the organization has no such customer. The organization's tags stay.
 */
export function removeCustomer(db: Db, organizationId: number, customerId: number): Promise<void> {
  return db.transaction(async (tx) => {
    await requireInOrganization(tx, 'customers', organizationId, customerId, 'Customer')
    await deleteCustomerChats(tx, organizationId, customerId)
    await deleteCustomer(tx, organizationId, customerId)
  })
}

/**
 * `PUT /v1/customers/{id}/tags`: adds tags after the ones the customer has (one it has already
 * stays where it is), creating unknown ones with their color (default `#c377e0`); a known tag
 * keeps its own color. 404 when the organization has no such customer.
 */
export function appendTags(
  db: Db,
  organizationId: number,
  customerId: number,
  tags: TagCustomerBody['tags'],
  now: number,
): Promise<Customer> {
  return db.transaction(async (tx) => {
    await lockCustomer(tx, organizationId, customerId, now)
    await tagCustomer(tx, organizationId, customerId, tags)
    return (await loadCustomer(tx, organizationId, customerId))!
  })
}

/**
 * `DELETE /v1/customers/{id}/tags`: takes the named tags off the customer; names it does not have
 * are ignored, and the organization's tags themselves are never deleted. 404 when the
 * organization has no such customer.
 */
export function untagCustomer(
  db: Db,
  organizationId: number,
  customerId: number,
  names: readonly string[],
  now: number,
): Promise<Customer> {
  return db.transaction(async (tx) => {
    await lockCustomer(tx, organizationId, customerId, now)
    await removeCustomerTags(tx, organizationId, customerId, names)
    return (await loadCustomer(tx, organizationId, customerId))!
  })
}
