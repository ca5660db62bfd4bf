// The physical limit of Node on this machine, for the bench to compare against: a bare node:http
// server that reads and parses the request body as JSON, checks that a key was sent, and answers
// a fixed chat (argv[2], a file holding the JSON of a real chat) with 200.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const chat = readFileSync(process.argv[2])
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': chat.length }

const server = createServer((request, response) => {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    let body
    try {
      body = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      response.writeHead(400).end()
      return
    }
    if (!request.headers.authorization || typeof body !== 'object') {
      response.writeHead(401).end()
      return
    }
    response.writeHead(200, headers).end(chat)
  })
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
