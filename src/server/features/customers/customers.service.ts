import type {
  CreateCustomerBody,
  Customer,
  CustomDataInput,
  CustomerChangeBody,
  CustomerList,
} from '../../../contract/index.js'
import { Errors } from '../../errors.js'
import type { Page, Sort } from '../../http/paging.js'
import type { Db, Queryable, SqlValue } from '../../storage/db.js'
import { searchCustomers } from '../customer-search/customer-search.js'
import { readerForPage } from '../scoped.repository.js'
import { presentCustomers } from './customers.presenter.js'
import {
  addCustomerTag,
  ensureTag,
  findCustomer,
  insertCustomer,
  listCustomerTags,
  type CustomerSortField,
  type CustomerValues,
} from './customers.repository.js'

/** HelpCrunch's color for a tag created without one. */
export const DEFAULT_TAG_COLOR = '#c377e0'

/** A body's fields, its `location` already taken as the top-level ones (location-input.ts). */
type CustomerInput = Omit<CreateCustomerBody, 'location'>

/** Custom data in the form stored and answered: an object of scalar values. */
export function normalizeCustomData(input: CustomDataInput): Record<string, SqlValue | boolean> {
  if (!Array.isArray(input)) return { ...input }
  return Object.fromEntries(input.map(({ property, value }) => [property, value]))
}

/** An input time (integer or numeric string of seconds), as stored. */
function seconds(value: number | string | null | undefined): number | null {
  return value === undefined || value === null ? null : Number(value)
}

/**
 * The stored columns of a new customer: its input fields, everything else unset (`null`, booleans
 * false, no custom data, no device). A `PUT` stores the same, but for the device it never changes.
 */
export function newCustomerValues(input: Omit<CustomerChangeBody, 'location'>): CustomerValues {
  return {
    name: input.name ?? null,
    email: input.email ?? null,
    // An empty external id is no id: it must not collide with another customer's empty one.
    user_id: input.userId || null,
    company: input.company ?? null,
    phone: input.phone ?? null,
    first_seen: seconds(input.firstSeen),
    last_seen: seconds(input.lastSeen),
    city: input.city ?? null,
    region_code: input.regionCode ?? null,
    country_code: input.countryCode ?? null,
    device: null,
    unsubscribed: input.unsubscribed ? 1 : 0,
    blocked: input.blocked ? 1 : 0,
    source: input.source ?? null,
    referer: input.referer ?? null,
    last_page: input.lastPage ?? null,
    locale: input.locale ?? null,
    created_from: input.createdFrom ?? null,
    integration_id: input.integrationId ?? null,
    notes: input.notes ?? null,
    custom_data: JSON.stringify(input.customData ? normalizeCustomData(input.customData) : {}),
  }
}

/** Adds tags to a customer, creating unknown ones in the organization with their color. */
export async function tagCustomer(
  db: Queryable,
  organizationId: number,
  customerId: number,
  tags: ReadonlyArray<{ name: string; color?: string | undefined }>,
): Promise<void> {
  for (const tag of tags) {
    const tagId = await ensureTag(db, organizationId, tag.name, tag.color ?? DEFAULT_TAG_COLOR)
    await addCustomerTag(db, customerId, tagId)
  }
}

/**
 * Creates a customer with its tags, all or nothing. A `userId` another customer of the
 * organization has is a 400 `invalid_userId_value`.
 */
export function createCustomer(
  db: Db,
  organizationId: number,
  input: CustomerInput,
  now: number,
): Promise<Customer> {
  return db.transaction(async (tx) => {
    const id = await addCustomer(tx, db, organizationId, input, now)
    return (await loadCustomer(tx, organizationId, id))!
  })
}

/**
 * `createCustomer` inside a transaction the caller holds; `id` picks the new customer's id (the
 * fixture loader keeps the ids a fixture names). Returns the id.
 */
export async function addCustomer(
  tx: Queryable,
  db: Pick<Db, 'isUniqueViolation'>,
  organizationId: number,
  input: CustomerInput,
  now: number,
  id: number | null = null,
  extra: Partial<CustomerValues> = {},
): Promise<number> {
  let customerId: number
  try {
    const values = { ...newCustomerValues(input), ...extra }
    customerId = await insertCustomer(tx, organizationId, values, now, id)
  } catch (error) {
    if (db.isUniqueViolation(error)) throw Errors.duplicateUserId()
    throw error
  }
  await tagCustomer(tx, organizationId, customerId, input.tags ?? [])
  return customerId
}

/** One customer of the organization, or `null`. */
export async function loadCustomer(
  db: Queryable,
  organizationId: number,
  customerId: number,
): Promise<Customer | null> {
  const row = await findCustomer(db, organizationId, customerId)
  if (!row) return null
  return presentCustomers([row], await listCustomerTags(db, [row.id]))[0]!
}

/**
 * A page of the organization's customers and their total: a search with no filter, deep pages on
 * the reader, as `listChatPage`.
 */
export function listCustomerPage(
  db: Db,
  organizationId: number,
  sort: Sort<CustomerSortField>,
  page: Page,
): Promise<CustomerList> {
  return searchCustomers(readerForPage(db, page), organizationId, {}, sort, page)
}
