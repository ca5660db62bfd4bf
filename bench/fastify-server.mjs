// The framework alone, for the bench to compare against: Fastify answering PUT /v1/chats/readByAgent
// with the same body schema opencrunch uses, a check that a key was sent, and the fixed chat of the
// baseline (argv[2]). No database: the distance from the baseline is what Fastify itself costs, the
// ceiling of any server built on it.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import { readBody } from './read-body.mjs'

const chat = readFileSync(process.argv[2])

const app = Fastify()
app.put('/v1/chats/readByAgent', { schema: { body: readBody } }, async (request, reply) => {
  if (!request.headers.authorization) return reply.code(401).send()
  return reply.type('application/json; charset=utf-8').send(chat)
})

const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`listening on ${address}\n`)
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
