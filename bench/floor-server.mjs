// The durable floor: opencrunch's mark-read without its HTTP layer, for the bench to frame it.
// Bare node:http (lib/bare-mark-read.mjs) in front of opencrunch's own storage code: the chat from
// markReadReturningChat on SqliteDb (WAL, synchronous=NORMAL, one group commit per event-loop turn,
// answers sent once committed, the background checkpointer), the same database file. What separates opencrunch's mark-read from this is its HTTP layer; what
// separates this from the bare node:http baseline is the durable write itself.
//
// With `read` after the database file, it is the read ceiling: the same server writing nothing,
// each request reading the chat it names with the statement GET /v1/chats/{id} uses. All of the
// floor's work but the mark, so its gap to the floor is what the mark's write costs, and no
// mark-read built on this storage code can beat it.
//
// It answers PUT /v1/chats/readByAgent only. argv[2]: the database file; argv[3]: `read`, or none.
import { findChatJson } from '../dist/server/features/chats/chats.repository.js'
import { markReadReturningChat } from '../dist/server/features/chats/read-state.js'
import { SqliteDb } from '../dist/server/storage/sqlite.js'
import { serveMarkRead } from './lib/bare-mark-read.mjs'

const db = new SqliteDb({ path: process.argv[2] })
const chatOf =
  process.argv[3] === 'read'
    ? (organizationId, { id }) => findChatJson(db, organizationId, id)
    : (organizationId, { id, read }) => markReadReturningChat(db, organizationId, id, 'agent', read)

serveMarkRead(db, chatOf, () => db.close())
