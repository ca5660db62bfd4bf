import type { SearchFilter } from '../client/index.js'
import { CommandError } from '../server/commands/command-error.js'

/**
 * The filter fields HelpCrunch documents as text (the last part of the name: `customer.userId`
 * is `userId`): their values stay text even when they look like a number, so
 * `userId=424242` finds the customer whose userId is "424242".
 */
const TEXT_FIELDS = new Set([
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
 * (`assignee=null`: unassigned), `true` and `false` as booleans, a whole number as a number but
 * for text fields, tags as names separated by commas (`tagsData=VIP,Lead`), and anything in
 * double quotes as the text inside (`name="42"`).
 */
export function parseFilter(expression: string): SearchFilter {
  const match = /^\s*([\w.]+)\s*(!=|>=|<=|!~|=|>|<|~)\s*(.*?)\s*$/.exec(expression)
  if (!match) throw new CommandError(`Cannot read the filter "${expression}": ${SYNTAX}.`)
  const [, field, operator, raw] = match as unknown as [string, string, string, string]
  return { field, operator, value: filterValue(field, raw, expression) }
}

function filterValue(field: string, raw: string, expression: string): unknown {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      return JSON.parse(raw) as string
    } catch {
      throw new CommandError(
        `Cannot read the quoted value in "${expression}": write it as JSON text, with \\" ` +
          'for a quote inside.',
      )
    }
  }
  if (raw === 'null') return null
  const name = field.slice(field.lastIndexOf('.') + 1)
  if (name === 'tagsData') {
    return raw
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== '')
      .map((tag) => ({ name: tag }))
  }
  if (raw === 'true' || raw === 'false') return raw === 'true'
  if (!TEXT_FIELDS.has(name) && /^-?\d+$/.test(raw)) return Number(raw)
  return raw
}
