import type { Dialect } from '../db.js'
import { initialSchema } from './001-initial-schema.js'
import { organizationCounts } from './002-organization-counts.js'
import { snoozeIndex } from './003-snooze-index.js'
import { chatReadStates } from './004-chat-read-states.js'
import { listsInOrder } from './005-lists-in-order.js'
import { searchAndEvents } from './006-search-and-events.js'
import { webhooks } from './007-webhooks.js'
import { idsNeverReused } from './008-ids-never-reused.js'
import { unreadCounts } from './009-unread-counts.js'

/** One step of the schema. Versions only grow; a released migration is never edited. */
export interface Migration {
  readonly version: number
  readonly name: string
  /** The data definition for an engine's dialect. */
  readonly sql: (dialect: Dialect) => string
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: initialSchema },
  { version: 2, name: 'organization counts', sql: organizationCounts },
  { version: 3, name: 'snooze index', sql: snoozeIndex },
  { version: 4, name: 'chat read states', sql: chatReadStates },
  { version: 5, name: 'lists in order', sql: listsInOrder },
  { version: 6, name: 'search indexes and events', sql: searchAndEvents },
  { version: 7, name: 'webhooks for read changes', sql: webhooks },
  { version: 8, name: 'ids never reused', sql: idsNeverReused },
  { version: 9, name: 'unread counts', sql: unreadCounts },
]
