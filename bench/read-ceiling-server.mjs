// The read ceiling: the durable floor with nothing written, for the bench to frame what a write
// costs and what the data's size costs without one. The same as floor-server.mjs (bare node:http,
// opencrunch's key cache, SqliteDb with its one transaction per event-loop turn, the same database
// file) but each request only reads the chat it names, with the statement GET /v1/chats/{id}
// uses, and answers it: all of the floor's work but the mark, so its gap to the floor is what the
// mark's write costs, and no mark-read built on this storage code can beat it. It answers
// PUT /v1/chats/readByAgent only. argv[2]: the database file.
import { createServer } from 'node:http'
import {
  cachedAuthenticator,
  parseBearer,
} from '../dist/server/features/api-keys/api-keys.service.js'
import { findChatJson } from '../dist/server/features/chats/chats.repository.js'
import { SqliteDb } from '../dist/server/storage/sqlite.js'

const db = new SqliteDb({ path: process.argv[2] })
const keys = cachedAuthenticator(db)

function answer(response, status, json) {
  const headers = { 'content-type': 'application/json; charset=utf-8' }
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(json) }).end(json)
}

async function readChat(request, text) {
  const key = parseBearer(request.headers.authorization)
  const principal = key === null ? null : await keys.authenticate(key)
  if (principal === null) return [401, '{}']
  const { id } = JSON.parse(text)
  const chat = await findChatJson(db, principal.organizationId, id)
  return chat === undefined ? [404, '{}'] : [200, chat]
}

const server = createServer((request, response) => {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    readChat(request, Buffer.concat(chunks).toString('utf8')).then(
      ([status, json]) => answer(response, status, json),
      () => answer(response, 500, '{}'),
    )
  })
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`)
})
process.on('SIGTERM', () => server.close(() => db.close().then(() => process.exit(0))))
