import type { FastifyInstance } from 'fastify'
import { parse as parseJson } from 'secure-json-parse'
import { Errors } from '../errors.js'

/** The largest body accepted; larger ones get a 413. */
export const BODY_LIMIT_BYTES = 1024 * 1024

const NOT_AN_OBJECT = Errors.validation([
  { field: 'body', message: 'This value should be of type object.' },
])
const PROTOTYPE_KEY = Errors.validation([
  {
    field: 'body',
    message: 'This value must not use __proto__ or constructor.prototype as a key.',
  },
])

/**
 * Parses every request body as JSON, whatever its `Content-Type` says (`application/json`,
 * `text/plain`, or none), as HelpCrunch does. An empty body is no body. The parser is the one
 * Fastify uses (secure-json-parse), refusing the `__proto__` and `constructor.prototype` keys that
 * could poison an object later merged from the body.
 */
export function parseBodiesAsJson(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    (_request, body, done) => {
      const text = body as string
      if (text.trim() === '') {
        done(null, undefined)
        return
      }
      let value: unknown
      try {
        value = parseJson(text, { protoAction: 'error', constructorAction: 'error' })
      } catch (error) {
        const poisoned = (error as Error).message.includes('forbidden prototype property')
        done(poisoned ? PROTOTYPE_KEY : Errors.malformedJson(), undefined)
        return
      }
      // A JSON `null` is a body, and never the object any endpoint takes.
      if (value === null) done(NOT_AN_OBJECT, undefined)
      else done(null, value)
    },
  )
}
