import {
  parseChatStatus,
  RATINGS,
  timestampString,
  type SearchBody,
} from '../../../contract/index.js'
import { Errors, type FieldMessage, type FieldProblem } from '../../errors.js'
import type { Dialect, SqlValue } from '../../storage/db.js'

/**
 * The filter language of HelpCrunch's search endpoints, compiled to SQL: each resource declares
 * its fields (their type and SQL), and a search's filters become one parameterized condition.
 * Field names and operators only ever select from those declarations; values are always bound.
 */

export const OPERATORS = ['=', '!=', '>', '<', '>=', '<=', '~', '!~'] as const
export type Operator = (typeof OPERATORS)[number]

/** How a field's values are typed, and so which operators apply. */
export type FieldType =
  | 'id' // an integer id (integer or numeric string)
  | 'timestamp' // UNIX seconds (integer or numeric string)
  | 'string'
  | 'boolean' // a JSON boolean, of a column that is never unset
  | 'status' // a chat status in any documented spelling, or a code 1-7
  | 'rating'
  | 'tags' // `[{name}]`: matches when every one is there
  | 'absent' // documented, but opencrunch keeps no such data: matches as an empty string

const OPERATORS_OF: Record<FieldType, readonly Operator[]> = {
  id: ['=', '!=', '>', '<', '>=', '<='],
  timestamp: ['=', '!=', '>', '<', '>=', '<='],
  string: ['=', '!=', '~', '!~'],
  boolean: ['=', '!='],
  status: ['=', '!='],
  rating: ['=', '!='],
  tags: ['='],
  absent: ['=', '!=', '~', '!~'],
}

/** A searchable field of a resource. */
export interface FieldSpec {
  readonly type: FieldType
  /** The SQL expression of the field (for `tags`: of the customer id whose tags they are). */
  readonly sql: string
  /** Whether the field can be unset: `= null` and `!= null` then ask for it. */
  readonly nullable?: boolean
  /** A join the field needs, by name (the resource's query knows what each means). */
  readonly join?: string
  /** The operators it takes, when fewer than its type's. */
  readonly operators?: readonly Operator[]
  /** Builds the condition itself, for fields that are not a plain column (an agent who wrote). */
  readonly condition?: (operator: Operator, value: SqlValue) => string
}

/** A search's filters as SQL: a condition with its parameters, and the joins it needs. */
export interface CompiledFilters {
  readonly where: string
  readonly params: SqlValue[]
  readonly joins: ReadonlySet<string>
  /** Each filter's condition, in order, and how `where` joins them. */
  readonly conditions: readonly string[]
  readonly joiner: 'AND' | 'OR'
}

const NOT_A_CHOICE: FieldMessage = 'The value you selected is not a valid choice.'

const VALUE_TYPE: Record<FieldType, string> = {
  id: 'int',
  timestamp: 'int',
  string: 'string',
  boolean: 'bool',
  status: 'string',
  rating: 'string',
  tags: 'array',
  absent: 'string',
}

/**
 * Compiles a search's filters against a resource's fields: names with or without the resource's
 * prefix, `comparison` `AND` (default) or `OR` in any case. Every problem (an unknown field, an
 * operator the field's type does not take, a value of the wrong type) becomes a 400 naming the
 * filter's index, all at once.
 */
export function compileFilters(
  dialect: Dialect,
  { filter: filters = [], comparison }: Pick<SearchBody, 'filter' | 'comparison'>,
  prefix: string,
  fields: Readonly<Record<string, FieldSpec>>,
): CompiledFilters {
  const problems: FieldProblem[] = []
  const conditions: string[] = []
  const params: SqlValue[] = []
  const joins = new Set<string>()
  const joiner = (comparison ?? 'AND').toUpperCase()
  if (joiner !== 'AND' && joiner !== 'OR') {
    problems.push({ field: 'comparison', message: NOT_A_CHOICE })
  }
  filters.forEach((filter, index) => {
    const at = `filter[${index}]`
    const name = filter.field.startsWith(`${prefix}.`)
      ? filter.field.slice(prefix.length + 1)
      : filter.field
    const spec = Object.hasOwn(fields, name) ? fields[name] : undefined
    if (!spec) {
      problems.push({ field: `${at}.field`, message: NOT_A_CHOICE })
      return
    }
    const operator = OPERATORS.find((candidate) => candidate === filter.operator)
    if (!operator || !(spec.operators ?? OPERATORS_OF[spec.type]).includes(operator)) {
      problems.push({ field: `${at}.operator`, message: NOT_A_CHOICE })
      return
    }
    const value = typedValue(spec, operator, filter.value)
    if ('problem' in value) {
      problems.push({ field: `${at}.value`, message: value.problem })
      return
    }
    if (spec.join) joins.add(spec.join)
    conditions.push(condition(dialect, spec, operator, value.values, params))
  })
  if (problems.length > 0) throw Errors.validation(problems)
  return {
    where: conditions.length === 0 ? '' : `(${conditions.join(` ${joiner} `)})`,
    params,
    joins,
    conditions,
    joiner: joiner === 'OR' ? 'OR' : 'AND',
  }
}

type Typed = { values: SqlValue[] } | { problem: FieldMessage }

const wrongType = (type: FieldType): Typed => ({
  problem: `This value should be of type ${VALUE_TYPE[type]}.`,
})

/** A filter's id or time written as a string; a time may end in a fraction of zeros. */
const ID_STRING = /^[0-9]{1,15}$/
const TIME_STRING = timestampString(15)

/** A filter's value as the field's type wants it, or what is wrong with it. */
function typedValue(spec: FieldSpec, operator: Operator, value: unknown): Typed {
  if (value === null) {
    // A field opencrunch keeps none of (`absent`) is unset on every record: null asks for that.
    return (spec.nullable || spec.type === 'absent') && (operator === '=' || operator === '!=')
      ? { values: [null] }
      : { problem: 'This value should not be blank.' }
  }
  switch (spec.type) {
    case 'id':
    case 'timestamp': {
      const digits = spec.type === 'id' ? ID_STRING : TIME_STRING
      const number = typeof value === 'string' && digits.test(value) ? Number(value) : value
      return Number.isSafeInteger(number) && (number as number) >= 0
        ? { values: [number as number] }
        : wrongType(spec.type)
    }
    case 'string':
    case 'absent':
      return typeof value === 'string' ? { values: [value] } : wrongType(spec.type)
    case 'boolean':
      return typeof value === 'boolean' ? { values: [value ? 1 : 0] } : wrongType(spec.type)
    case 'status': {
      if (typeof value !== 'string' && typeof value !== 'number') return wrongType(spec.type)
      const status = parseChatStatus(value)
      return status ? { values: [status] } : { problem: NOT_A_CHOICE }
    }
    case 'rating':
      if (typeof value !== 'string') return wrongType(spec.type)
      return (RATINGS as readonly string[]).includes(value)
        ? { values: [value] }
        : { problem: NOT_A_CHOICE }
    case 'tags': {
      const names = Array.isArray(value) ? value.map(tagName) : null
      if (!names || names.length === 0 || names.some((name) => name === null)) {
        return wrongType(spec.type)
      }
      return { values: names }
    }
  }
}

/** A tag as `{name}` (the documented form) or a bare name. */
function tagName(tag: unknown): string | null {
  if (typeof tag === 'string' && tag !== '') return tag
  if (tag !== null && typeof tag === 'object' && 'name' in tag) {
    const name = tag.name
    if (typeof name === 'string' && name !== '') return name
  }
  return null
}

/**
 * `%text%` for LIKE, the wildcards in `text` matched as themselves. Not lowered here: the SQL
 * lowers it with the function that lowers the column (`lowered`), so both sides fold alike.
 */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** A character outside ASCII, whose case SQLite's own `lower()` does not fold. */
const BEYOND_ASCII = /[^\p{ASCII}]/u

/**
 * `sql` in lower case for a `~` or `!~` on `text`: the Unicode-wide fold when `text` holds a
 * letter outside ASCII, so that `~ "ünal"` finds "Ünal" on SQLite too; the engine's own `lower()`
 * otherwise, twice as fast on SQLite (a JavaScript call a row costs), and the same answer but for
 * the few letters outside ASCII whose lower case is ASCII (the Kelvin sign, the dotted capital I).
 */
function lowered(dialect: Dialect, sql: string, text: string): string {
  return BEYOND_ASCII.test(text) ? dialect.unicodeLower(sql) : `lower(${sql})`
}

/** `sql` contains `text` (bound as the next parameter, by `contains`), in any case. */
function like(dialect: Dialect, sql: string, text: string): string {
  return `${lowered(dialect, sql, text)} LIKE ${lowered(dialect, '?', text)} ESCAPE '\\'`
}

function condition(
  dialect: Dialect,
  spec: FieldSpec,
  operator: Operator,
  values: SqlValue[],
  params: SqlValue[],
): string {
  const { sql } = spec
  const [value] = values as [SqlValue]
  if (spec.condition) {
    params.push(value)
    return spec.condition(operator, value)
  }
  switch (spec.type) {
    case 'tags':
      params.push(...values)
      return values
        .map(
          () =>
            `EXISTS (SELECT 1 FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
              WHERE ct.customer_id = ${sql} AND t.name = ?)`,
        )
        .join(' AND ')
    case 'absent':
      if (value === null) return operator === '=' ? '1 = 1' : '1 = 0'
      return operator === '=' || operator === '~' ? '1 = 0' : '1 = 1'
    case 'boolean':
      // A literal, not a parameter, and `!=` as `=` the other value (the column is never unset):
      // the partial indexes of unread chats match it.
      return `${sql} = ${operator === '=' ? Number(value) : 1 - Number(value)}`
    default:
      break
  }
  if (value === null) return operator === '=' ? `${sql} IS NULL` : `${sql} IS NOT NULL`
  params.push(operator === '~' || operator === '!~' ? contains(String(value)) : value)
  switch (operator) {
    case '~':
      return like(dialect, sql, String(value))
    case '!~':
      return `(${sql} IS NULL OR NOT (${like(dialect, sql, String(value))}))`
    case '!=':
      // An unset value differs from every value.
      return `(${sql} != ? OR ${sql} IS NULL)`
    default:
      return `${sql} ${operator} ?`
  }
}
