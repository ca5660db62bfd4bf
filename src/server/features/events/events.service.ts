import type { Event } from '../../../contract/index.js'
import { Errors } from '../../errors.js'
import type { Queryable } from '../../storage/db.js'
import { presentEvent } from './events.presenter.js'
import { insertEvent } from './events.repository.js'

export interface RecordEventInput {
  readonly customerId: number
  readonly name: string
  /** Any JSON object; `{}` for none. */
  readonly data: Readonly<Record<string, unknown>>
  /** UNIX seconds. */
  readonly createdAt: number
}

/**
 * Stores an activity event of one of the organization's customers and answers it. 404 "Customer
 * not found" (nothing stored) when the organization has no such customer; never touches the
 * customer itself.
 */
export async function recordEvent(
  db: Queryable,
  organizationId: number,
  input: RecordEventInput,
): Promise<Event> {
  const row = await insertEvent(db, {
    organizationId,
    customerId: input.customerId,
    name: input.name,
    data: JSON.stringify(input.data),
    createdAt: input.createdAt,
  })
  if (!row) throw Errors.notFound('Customer')
  return presentEvent(row)
}
