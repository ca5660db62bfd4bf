import type { Event } from '../../../contract/index.js'
import type { EventRow } from './events.repository.js'

/** A stored event as the newest docs answer it: `{id, name, data, createdAt}`. */
export function presentEvent(row: EventRow): Event {
  return {
    id: row.id,
    name: row.name,
    data: JSON.parse(row.data) as Event['data'],
    createdAt: String(row.created_at),
  }
}
