import type { FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'
import { Compile, type Validator } from 'typebox/compile'
import { Value } from 'typebox/value'
import { Errors, type FieldMessage, type FieldProblem } from '../errors.js'

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
 * Fastify's validator compiler: TypeBox's compiled checks, converting query and path values
 * (which arrive as strings) but never body values, so `"true"` is not a boolean. A failure
 * becomes one `ApiError` whose entries name each bad field in HelpCrunch's wording.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema)
  const isBody = httpPart === 'body'
  return (input: unknown) => {
    // A body-less request is validated as an empty object: each required field is reported.
    const value = isBody ? (input ?? {}) : Value.Convert(schema, input)
    if (check.Check(value)) return { value }
    return { error: Errors.validation(problemsOf(check, value)) }
  }
}

/** Why `value` fails a compiled schema: one problem per field, in HelpCrunch's wording. */
export function problemsOf(check: Validator, value: unknown): FieldProblem[] {
  return describe(check.Type() as SchemaNode, value, check.Errors(value))
}

/** Turns TypeBox errors into one problem per field, the outermost failure of each field winning. */
function describe(
  schema: SchemaNode,
  value: unknown,
  errors: readonly SchemaError[],
): FieldProblem[] {
  const byField = new Map<string, { depth: number; message: FieldMessage }>()
  const note = (pointer: string, depth: number, message: FieldMessage) => {
    const field = fieldPath(pointer)
    const known = byField.get(field)
    if (!known || depth < known.depth) byField.set(field, { depth, message })
  }
  for (const error of errors) {
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
  return [...byField].map(([field, { message }]) => ({ field: field || 'body', message }))
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
  if (typeof expected === 'string') return `This value should be of type ${expected}.`
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
      return 'This value should not be blank.'
    case 'maxLength':
      return `This value is too long. It should have ${Number(limit)} characters or less.`
    case 'minimum':
      return `This value should be greater than or equal to ${Number(limit)}.`
    case 'maximum':
      return `This value should be less than or equal to ${Number(limit)}.`
    case 'minItems':
      return `This collection should contain ${Number(limit)} elements or more.`
    case 'maxItems':
      return `This collection should contain ${Number(limit)} elements or less.`
    case 'format':
      return error.params.format === 'email'
        ? 'This value is not a valid email address.'
        : 'This value is not valid.'
    default:
      return 'This value is not valid.'
  }
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
