import { JSON_TYPE } from '../features/wire.js'

/** Fastify's reply, as far as sending prebuilt JSON needs it. */
interface JsonReply<R> {
  type(contentType: string): R
  send(payload: never): R
}

/**
 * Sends JSON text built elsewhere (in SQL, for the hot paths) as the answer. Fastify passes a
 * string through untouched, so the route's response schema documents the shape without
 * serializing it again; the tests check every such answer against that schema.
 */
export function sendJson<R extends JsonReply<R>>(reply: R, json: string): R {
  return reply.type(JSON_TYPE).send(json as never)
}
