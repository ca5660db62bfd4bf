import type { Queryable } from '../../storage/db.js'

export interface EventRow {
  id: number
  name: string
  /** The event's data as JSON text. */
  data: string
  created_at: number
}

export interface NewEvent {
  organizationId: number
  customerId: number
  name: string
  /** JSON text of an object. */
  data: string
  createdAt: number
}

/**
 * Stores an event of one customer of the organization, in one statement that finds the customer
 * and inserts: resolves to the stored event, or `undefined` (nothing written) when the
 * organization has no such customer.
 */
export function insertEvent(db: Queryable, event: NewEvent): Promise<EventRow | undefined> {
  return db.get<EventRow>(
    `INSERT INTO events (id, organization_id, customer_id, name, data, created_at)
     SELECT ${db.dialect.newId('events')}, organization_id, id, ?, ?, ?
     FROM customers WHERE id = ? AND organization_id = ?
     RETURNING id, name, data, created_at`,
    [null, event.name, event.data, event.createdAt, event.customerId, event.organizationId],
  )
}
