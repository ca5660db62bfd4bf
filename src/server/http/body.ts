import type { FastifyInstance } from 'fastify'
import { Errors } from '../errors.js'

const NOT_AN_OBJECT = { field: 'body', message: 'This value should be of type object.' } as const

/** The largest body accepted; larger ones get a 413. */
export const BODY_LIMIT_BYTES = 1024 * 1024

/**
 * Parses every request body as JSON, whatever its `Content-Type` says (`application/json`,
 * `text/plain`, or none), as HelpCrunch does. An empty body is no body. Fastify's own JSON parser
 * does the parsing, so its guards against prototype poisoning apply.
 */
export function parseBodiesAsJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    (request, body, done) => {
      const text = body as string
      if (text.trim() === '') {
        done(null, undefined)
        return
      }
      void parseJson(request, text, (error, value) => {
        if (error) done(Errors.malformedJson(), undefined)
        // A JSON `null` is a body, and never the object any endpoint takes.
        else if (value === null) done(Errors.validation([NOT_AN_OBJECT]), undefined)
        else done(null, value)
      })
    },
  )
}
