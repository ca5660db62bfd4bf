import type { FastifyInstance } from 'fastify'
import { parse as parseJson } from 'secure-json-parse'
import { Errors, type FieldMessage } from '../errors.js'

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

const NUL_MESSAGE: FieldMessage = 'This value must not contain the NUL character (U+0000).'

/**
 * The field of a parsed body whose string (or key) holds U+0000, as a validation error names it
 * (`filter[0].value`); `null` when there is none. PostgreSQL cannot store that character in text,
 * and no HelpCrunch field means it, so it is refused on every engine alike.
 */
function fieldWithNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null
  if (value === null || typeof value !== 'object') return null
  const entries = Array.isArray(value)
    ? value.map((item, index) => [`${path}[${index}]`, item] as const)
    : Object.entries(value).map(([key, item]) => [path ? `${path}.${key}` : key, item] as const)
  for (const [at, item] of entries) {
    if (at.includes('\u0000')) return path || 'body'
    const found = fieldWithNul(item, at)
    if (found !== null) return found
  }
  return null
}

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
      if (value === null) {
        done(NOT_AN_OBJECT, undefined)
        return
      }
      // JSON writes U+0000 only as the escape \u0000: bodies without one are not walked.
      const nul = text.includes('\\u0000') ? fieldWithNul(value, '') : null
      if (nul !== null) done(Errors.validation([{ field: nul, message: NUL_MESSAGE }]), undefined)
      else done(null, value)
    },
  )
}
