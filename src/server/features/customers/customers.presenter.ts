import type { Customer, Tag } from '../../../contract/index.js'
import { groupBy } from '../group.js'
import { flag, timestamp } from '../wire.js'
import type { CustomerRow, CustomerTagRow } from './customers.repository.js'

type Device = NonNullable<Customer['device']>

/** A stored customer and its tags as HelpCrunch's Customer object. */
export function presentCustomer(row: CustomerRow, tags: readonly Tag[]): Customer {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    userId: row.user_id,
    company: row.company,
    phone: row.phone,
    firstSeen: timestamp(row.first_seen),
    lastSeen: timestamp(row.last_seen),
    location: { regionCode: row.region_code, countryCode: row.country_code, city: row.city },
    device: row.device === null ? null : (JSON.parse(row.device) as Device),
    unsubscribed: flag(row.unsubscribed),
    blocked: flag(row.blocked),
    source: row.source,
    referer: row.referer,
    lastPage: row.last_page,
    locale: row.locale,
    createdFrom: row.created_from,
    integrationId: row.integration_id,
    notes: row.notes,
    tags: [...tags],
    customData: JSON.parse(row.custom_data) as Customer['customData'],
  }
}

/** Presents several customers, each with its own tags. */
export function presentCustomers(
  rows: readonly CustomerRow[],
  tagRows: readonly CustomerTagRow[],
): Customer[] {
  const byCustomer = groupBy(
    tagRows,
    (tag) => tag.customer_id,
    (tag): Tag => ({ name: tag.name, color: tag.color }),
  )
  return rows.map((row) => presentCustomer(row, byCustomer.get(row.id) ?? []))
}
