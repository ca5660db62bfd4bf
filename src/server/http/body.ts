import type { FastifyInstance } from 'fastify'
import { parse as parseJson } from 'secure-json-parse'
import { Errors, type FieldMessage } from '../errors.js'
import { fieldPath, type Checked } from './validation.js'

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
 * The deepest nesting of arrays and objects a body may have: PHP's `json_decode` default, which
 * HelpCrunch's PHP stack presumably keeps. Deeper bodies are refused before anything walks them,
 * so that no recursion over a body (the U+0000 check here, `JSON.stringify` of stored data) can
 * overflow the stack.
 */
export const MAX_BODY_DEPTH = 512

const TOO_DEEP = Errors.validation([
  {
    field: 'body',
    message: `This value must not nest arrays and objects more than ${MAX_BODY_DEPTH} levels deep.`,
  },
])

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

/**
 * Whether a JSON text nests arrays and objects deeper than `max`: a scan of its brackets outside
 * strings, without recursion, that stops at the first level too deep. A text no longer than twice
 * `max` cannot (as JSON: each level opens and closes), and is not scanned; text that is not JSON
 * is refused either way, by this or by the parser.
 */
function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= 2 * max) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--
  }
  return false
}

/**
 * The JSON pointer (`/filter/0/value`) of the first string in a parsed body that holds U+0000, or
 * of the object whose key does; `null` when there is none. PostgreSQL cannot store that character
 * in text, and no HelpCrunch field means it, so it is refused on every engine alike.
 */
function pointerToNul(value: unknown, pointer: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : null
  if (value === null || typeof value !== 'object') return null
  // Arrays too: their entries are keyed by index, which fieldPath writes as `[0]`.
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return pointer
    const found = pointerToNul(item, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`)
    if (found !== null) return found
  }
  return null
}

/**
 * Parses a request body's text as JSON, as every route takes it: its value (`undefined` for no
 * body at all; an empty body is no body), or the 400 refusing it. The
 * parser is the one Fastify uses (secure-json-parse), refusing the `__proto__` and
 * `constructor.prototype` keys that could poison an object later merged from the body; a JSON
 * `null`, a body nested more than `MAX_BODY_DEPTH` levels deep, and any string holding U+0000 are
 * refused too.
 */
export function parseJsonBody(text: string): Checked {
  if (text.trim() === '') return { value: undefined }
  // Before parsing: a megabyte of brackets holds JSON.parse for hundreds of milliseconds, and the
  // scan stops at the 513th level.
  if (nestsDeeperThan(text, MAX_BODY_DEPTH)) return { error: TOO_DEEP }
  let value: unknown
  try {
    value = parseJson(text, { protoAction: 'error', constructorAction: 'error' })
  } catch (error) {
    const poisoned = (error as Error).message.includes('forbidden prototype property')
    return { error: poisoned ? PROTOTYPE_KEY : Errors.malformedJson() }
  }
  // A JSON `null` is a body, and never the object any endpoint takes.
  if (value === null) return { error: NOT_AN_OBJECT }
  // JSON writes U+0000 only as the escape \u0000: bodies without one are not walked.
  const nul = text.includes('\\u0000') ? pointerToNul(value, '') : null
  if (nul === null) return { value }
  return { error: Errors.validation([{ field: fieldPath(nul) || 'body', message: NUL_MESSAGE }]) }
}

/**
 * Parses every request body as JSON (`parseJsonBody`), whatever its `Content-Type` says
 * (`application/json`, `text/plain`, or none), as HelpCrunch does.
 */
export function parseBodiesAsJson(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    (_request, body, done) => {
      const parsed = parseJsonBody(body as string)
      if (parsed.error) done(parsed.error, undefined)
      else done(null, parsed.value)
    },
  )
}
