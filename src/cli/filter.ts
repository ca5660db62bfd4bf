import type { SearchFilter } from '../client/index.js'
import { CommandError } from '../server/commands/command-error.js'

/**
 * The filter fields HelpCrunch documents as text (the last part of the name: `customer.userId`
 * is `userId`): their values stay text even when they look like a number or a boolean, so
 * `userId=424242` finds the customer whose userId is "424242". test/cli-api.test.ts checks that
 * the list is the servers' text fields.
 */
export const TEXT_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'email',
  'userId',
  'company',
  'phone',
  'city',
  'regionCode',
  'countryCode',
  'telegramId',
  'facebookId',
  'instagramId',
  'viberId',
  'whatsappId',
])

/** The `--filter` option's help, for every search command. */
export const FILTER_HELP =
  'FIELD OPERATOR VALUE, operators = != > < >= <= ~ !~ (VALUE null for unset, tags as VIP,Lead, ' +
  '"..." for text as is)'

const SYNTAX =
  'write FIELD OPERATOR VALUE, such as status=opened or createdAt>1700000000 ' +
  '(operators: = != > < >= <= ~ !~)'

/**
 * A `--filter` as the API takes it: `status=opened`, `chats.createdAt>1700000000`,
 * `customer.email~@acme`. The value is read as people write it: `null` for an unset value
 * (`assignee=null`: unassigned), tags as names separated by commas (`tagsData=VIP,Lead`), text
 * fields' values as text, `true` and `false` as booleans and a whole number as a number in the
 * others, and anything in double quotes as the text inside (`name="null"`).
 */
export function parseFilter(expression: string): SearchFilter {
  const match = /^\s*([\w.]+)\s*(!=|>=|<=|!~|=|>|<|~)\s*(.*?)\s*$/.exec(expression)
  if (!match) throw new CommandError(`Cannot read the filter "${expression}": ${SYNTAX}.`)
  const [, field, operator, raw] = match as unknown as [string, string, string, string]
  return { field, operator, value: filterValue(field, raw, expression) }
}

function filterValue(field: string, raw: string, expression: string): unknown {
  const name = field.slice(field.lastIndexOf('.') + 1)
  const quoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')
  if (name === 'tagsData') {
    const names = quoted ? [quotedText(raw, expression)] : raw.split(',').map((tag) => tag.trim())
    return names.filter((tag) => tag !== '').map((tag) => ({ name: tag }))
  }
  if (quoted) return quotedText(raw, expression)
  if (raw === 'null') return null
  if (TEXT_FIELDS.has(name)) return raw
  if (raw === 'true' || raw === 'false') return raw === 'true'
  return /^-?\d+$/.test(raw) ? Number(raw) : raw
}

/** The text a quoted value stands for, read as a JSON string. */
function quotedText(raw: string, expression: string): string {
  try {
    return JSON.parse(raw) as string
  } catch {
    throw new CommandError(
      `Cannot read the quoted value in "${expression}": write it as JSON text, with \\" ` +
        'for a quote inside.',
    )
  }
}
