// The durable floor: opencrunch's mark-read without its HTTP layer, for the bench to frame it.
// Bare node:http in front of opencrunch's own storage code: the API key from its key cache, the
// chat from markReadReturningChat on SqliteDb (WAL, synchronous=NORMAL, one group commit per
// event-loop turn, answers sent once committed, the background checkpointer), the same database
// file. Nothing else: no framework, no validation beyond the load's own bodies, no rate limit, no
// error envelopes. What separates opencrunch's mark-read from this is its HTTP layer; what
// separates this from the bare node:http baseline is the durable write itself.
//
// With `read` after the database file, it is the read ceiling: the same server writing nothing,
// each request reading the chat it names with the statement GET /v1/chats/{id} uses. All of the
// floor's work but the mark, so its gap to the floor is what the mark's write costs, and no
// mark-read built on this storage code can beat it.
//
// It answers PUT /v1/chats/readByAgent only. argv[2]: the database file; argv[3]: `read`, or none.
import { createServer } from 'node:http'
import {
  cachedAuthenticator,
  parseBearer,
} from '../dist/server/features/api-keys/api-keys.service.js'
import { findChatJson } from '../dist/server/features/chats/chats.repository.js'
import { markReadReturningChat } from '../dist/server/features/chats/read-state.js'
import { SqliteDb } from '../dist/server/storage/sqlite.js'

const db = new SqliteDb({ path: process.argv[2] })
const keys = cachedAuthenticator(db)
const chatOf =
  process.argv[3] === 'read'
    ? (organizationId, { id }) => findChatJson(db, organizationId, id)
    : (organizationId, { id, read }) => markReadReturningChat(db, organizationId, id, 'agent', read)

function answer(response, status, json) {
  const headers = { 'content-type': 'application/json; charset=utf-8' }
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(json) }).end(json)
}

async function markRead(request, text) {
  const key = parseBearer(request.headers.authorization)
  const principal = key === null ? null : await keys.authenticate(key)
  if (principal === null) return [401, '{}']
  const chat = await chatOf(principal.organizationId, JSON.parse(text))
  return chat === undefined ? [404, '{}'] : [200, chat]
}

const server = createServer((request, response) => {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    markRead(request, Buffer.concat(chunks).toString('utf8')).then(
      ([status, json]) => answer(response, status, json),
      () => answer(response, 500, '{}'),
    )
  })
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`)
})
process.on('SIGTERM', () => server.close(() => db.close().then(() => process.exit(0))))
