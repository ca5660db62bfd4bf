// Mark-read behind bare node:http, for the servers that frame opencrunch's own (floor-server.mjs,
// layout-server.mjs): the API key from opencrunch's key cache, the body's JSON, and the chat that
// `chatOf` answers for it. Nothing else: no framework, no validation beyond the load's own bodies,
// no rate limit, no error envelopes. 401 for an unknown key, 404 for no chat, 500 if `chatOf`
// throws. Prints "listening on URL" once it listens; SIGTERM closes it, then runs `close`.
import { createServer } from 'node:http'
import {
  cachedAuthenticator,
  parseBearer,
} from '../../dist/server/features/api-keys/api-keys.service.js'

/**
 * Serves `chatOf(organizationId, body)` (the chat's JSON text, or undefined) on a free port of
 * 127.0.0.1, the keys checked against `db`.
 */
export function serveMarkRead(db, chatOf, close = async () => {}) {
  const keys = cachedAuthenticator(db)

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
  process.on('SIGTERM', () => server.close(() => close().then(() => process.exit(0))))
}

function answer(response, status, json) {
  const headers = { 'content-type': 'application/json; charset=utf-8' }
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(json) }).end(json)
}
