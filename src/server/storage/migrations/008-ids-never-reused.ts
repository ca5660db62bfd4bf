import type { Dialect } from '../db.js'

/**
 * Ids are never handed out twice, as HelpCrunch's are not: a customer deleted and another created
 * must not get the same id, or an integration that keyed anything on the first would take the
 * second for it. PostgreSQL's sequences never go back. SQLite gives a new row the highest rowid
 * left plus one, so deleting the newest customer freed its id, and its chats' and messages':
 * there, `retired_ids` keeps the highest id each table has deleted, and `Dialect.newId` assigns
 * above it. The tables are those whose rows the API or the command line deletes, and whose ids
 * they show.
 */
export function idsNeverReused(dialect: Dialect): string {
  return dialect.retireIds(['customers', 'chats', 'messages', 'events', 'webhooks'])
}
