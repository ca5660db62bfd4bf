import type { FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'
import { Compile, type Validator } from 'typebox/compile'
import { type ApiError, Errors, type FieldMessage, type FieldProblem } from '../errors.js'

/** What TypeBox reports for one failed check. */
interface SchemaError {
  readonly keyword: string
  readonly schemaPath: string
  readonly instancePath: string
  readonly params: Record<string, unknown>
}

type SchemaNode = Record<string, unknown>

const TYPE_NAMES: Record<string, string> = {
  integer: 'int',
  number: 'numeric',
  boolean: 'bool',
  string: 'string',
  array: 'array',
  object: 'object',
}

/**
 * Fastify's validator compiler: TypeBox's compiled checks. Query values arrive as strings and are
 * converted where they are exactly what the schema wants (`"10"` for an integer); body values are
 * never converted, so `"true"` is not a boolean. A failure becomes one `ApiError` whose entries
 * name each bad field in HelpCrunch's wording.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) =>
  compileValidator(schema, httpPart === 'body')

/** What a check of an input says (a validator's, the body parser's): the value, or the 400 refusing it. */
export type Checked =
  { readonly value: unknown; readonly error?: undefined } | { readonly error: ApiError }

/** `validatorCompiler`'s check of one schema, for a body or for query and path parameters. */
export function compileValidator(schema: TSchema, isBody: boolean): (input: unknown) => Checked {
  const check = Compile(schema)
  const properties = ((schema as SchemaNode).properties ?? {}) as Record<string, SchemaNode>
  return (input: unknown) => {
    // A body-less request is validated as an empty object: each required field is reported.
    const value = isBody ? (input ?? {}) : convertStrings(properties, input)
    if (check.Check(value)) return { value }
    return { error: Errors.validation(problemsOf(check, value)) }
  }
}

const STRICT_FORMS: Record<string, RegExp> = {
  integer: /^-?[0-9]{1,16}$/,
  number: /^-?[0-9]{1,16}(\.[0-9]{1,16})?$/,
  boolean: /^(true|false)$/,
}

/**
 * Converts the string values of a query to the integer, number or boolean its schema names, only
 * when the string is written exactly so: `"1.5"`, `"true"` or `"0x10"` for an integer stay strings
 * and fail validation, rather than becoming some other number.
 */
function convertStrings(properties: Record<string, SchemaNode>, input: unknown): unknown {
  if (input === null || typeof input !== 'object') return input
  const output: Record<string, unknown> = { ...(input as Record<string, unknown>) }
  for (const [name, raw] of Object.entries(output)) {
    const type = properties[name]?.type
    if (typeof raw !== 'string' || typeof type !== 'string' || !STRICT_FORMS[type]?.test(raw)) {
      continue
    }
    output[name] = type === 'boolean' ? raw === 'true' : Number(raw)
  }
  return output
}

/**
 * Why `value` fails a compiled schema: one problem per field, in HelpCrunch's wording. A problem
 * with the value as a whole is reported under `root`.
 */
export function problemsOf(check: Validator, value: unknown, root = 'body'): FieldProblem[] {
  return describe(check.Type() as SchemaNode, value, check.Errors(value), root)
}

/** Turns TypeBox errors into one problem per field, the outermost failure of each field winning. */
function describe(
  schema: SchemaNode,
  value: unknown,
  errors: readonly SchemaError[],
  root: string,
): FieldProblem[] {
  const byField = new Map<string, { depth: number; message: FieldMessage }>()
  const note = (pointer: string, depth: number, message: FieldMessage) => {
    const field = fieldPath(pointer)
    const known = byField.get(field)
    if (!known || depth < known.depth) byField.set(field, { depth, message })
  }
  // A union whose value went wrong deeper inside (an item of the list form) is explained by those
  // deeper problems; its summary and its other branches' complaints would only confuse.
  const explained = new Set(
    errors
      .filter((error) => error.keyword === 'anyOf')
      .map((error) => error.instancePath)
      .filter((path) => errors.some((other) => other.instancePath.startsWith(`${path}/`))),
  )
  for (const error of errors) {
    if (explained.has(error.instancePath) && error.keyword !== 'required') continue
    const depth = error.schemaPath.split('/').length
    if (error.keyword === 'required') {
      const missing = (error.params.requiredProperties ?? []) as string[]
      for (const name of missing) {
        note(
          `${error.instancePath}/${escapePointer(name)}`,
          depth,
          'This value should not be blank.',
        )
      }
      continue
    }
    // An unexpected property fails a `false` schema at its own path; its parent's summary adds nothing.
    if (error.keyword === 'additionalProperties') continue
    if (error.keyword === 'boolean') {
      note(error.instancePath, depth, 'This field was not expected.')
      continue
    }
    const node = resolve(schema, error.schemaPath)
    const actual = resolve(value as SchemaNode, `#${error.instancePath}`)
    note(error.instancePath, depth, messageFor(error, node, actual))
  }
  return [...byField].map(([field, { message }]) => ({ field: field || root, message }))
}

function messageFor(
  error: SchemaError,
  node: SchemaNode | undefined,
  actual: unknown,
): FieldMessage {
  if (actual === null && error.keyword !== 'additionalProperties') {
    return 'This value should not be blank.'
  }
  const expected = node?.['x-expected']
  if (typeof expected === 'string') {
    return (
      (expected === 'int' && node ? beyondBounds(node, actual) : null) ??
      `This value should be of type ${expected}.`
    )
  }
  const limit = error.params.limit
  switch (error.keyword) {
    case 'type': {
      const type: unknown = error.params.type
      const name: unknown = Array.isArray(type) ? type.find((t) => t !== 'null') : type
      return `This value should be of type ${TYPE_NAMES[String(name)] ?? String(name)}.`
    }
    case 'enum':
    case 'const':
    case 'anyOf':
      return 'The value you selected is not a valid choice.'
    case 'minLength':
      return Number(limit) <= 1
        ? 'This value should not be blank.'
        : `This value is too short. It should have ${Number(limit)} characters or more.`
    case 'maxLength':
      return `This value is too long. It should have ${Number(limit)} characters or less.`
    case 'minimum':
    case 'maximum':
      return boundMessage(error.keyword, Number(limit))
    case 'minItems':
      return `This collection should contain ${elements(limit)} or more.`
    case 'maxProperties':
    case 'maxItems':
      return `This collection should contain ${elements(limit)} or less.`
    case 'format':
      return error.params.format === 'email'
        ? 'This value is not a valid email address.'
        : 'This value is not valid.'
    default:
      return 'This value is not valid.'
  }
}

/**
 * A count sent as an integer or as its digits (`limit: 0`, `"offset": "-1"`) that is a whole
 * number out of its integer form's bounds: says which bound, rather than that the type is wrong.
 */
function beyondBounds(union: SchemaNode, actual: unknown): FieldMessage | null {
  const number = typeof actual === 'string' && /^-?[0-9]+$/.test(actual) ? Number(actual) : actual
  if (typeof number !== 'number' || !Number.isInteger(number)) return null
  const branches = Array.isArray(union.anyOf) ? (union.anyOf as SchemaNode[]) : []
  const integer = branches.find((branch) => branch.type === 'integer')
  const { minimum, maximum } = integer ?? {}
  if (typeof minimum === 'number' && number < minimum) return boundMessage('minimum', minimum)
  if (typeof maximum === 'number' && number > maximum) return boundMessage('maximum', maximum)
  return null
}

/** What a value past a schema's `minimum` or `maximum` is told. */
function boundMessage(bound: 'minimum' | 'maximum', limit: number): FieldMessage {
  return bound === 'minimum'
    ? `This value should be greater than or equal to ${limit}.`
    : `This value should be less than or equal to ${limit}.`
}

/** "1 element", "10 elements" */
function elements(limit: unknown): `${number} element${'' | 's'}` {
  const count = Number(limit)
  return count === 1 ? `${count} element` : `${count} elements`
}

/** `/filter/0/field` -> `filter[0].field` */
export function fieldPath(pointer: string): string {
  let path = ''
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    path += /^[0-9]+$/.test(part) ? `[${part}]` : path ? `.${part}` : part
  }
  return path
}

function escapePointer(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** Follows a `#/a/b` pointer into a schema or a value; `undefined` where it leads nowhere. */
function resolve(root: SchemaNode | undefined, pointer: string): SchemaNode | undefined {
  let node: unknown = root
  for (const raw of pointer.replace(/^#/, '').split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as SchemaNode)[raw.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return node as SchemaNode | undefined
}
