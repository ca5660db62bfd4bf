import type { Command } from 'commander'
import {
  ConnectionError,
  createClient,
  HelpCrunchError,
  RateLimitError,
  type HelpCrunchClient,
} from '../client/index.js'
import { listTotal, type ListPage } from '../client/paginate.js'
import { loadApiConfig } from '../server/config.js'
import { CommandError } from '../server/commands/command-error.js'
import { wholeNumber } from '../server/commands/whole-number.js'
import { table } from '../server/commands/table.js'

/** The options every API command takes. */
export interface ApiOptions {
  readonly apiKey?: string
  readonly baseUrl?: string
  readonly json?: boolean
}

/** Adds `--api-key`, `--base-url` and `--json` to an API command. */
export function apiCommand(command: Command): Command {
  return command
    .option('--api-key <key>', 'the API key (default: HELPCRUNCH_API_KEY)')
    .option(
      '--base-url <url>',
      'the API, ending in /v1 (default: HELPCRUNCH_BASE_URL, else https://api.helpcrunch.com/v1)',
    )
    .option('--json', 'print the API answer as JSON, for scripts')
}

/** One column of a table: its title and how a row shows in it. */
export type Column<T> = readonly [string, (row: T) => unknown]

/**
 * Runs an API command: builds the client from flags and environment, runs `work`, and prints its
 * answer as JSON (`--json`) or through `show`. API errors become messages that say what to do.
 */
export async function runApi<T>(
  options: ApiOptions,
  work: (client: HelpCrunchClient) => Promise<T>,
  show: (answer: T) => string,
): Promise<void> {
  const client = createClient({
    ...loadApiConfig(options),
    onRetry: (seconds) =>
      process.stderr.write(`The API asks to slow down: waiting ${seconds} s, then trying again.\n`),
  })
  let answer: T
  try {
    answer = await work(client)
  } catch (error) {
    throw explain(error)
  }
  process.stdout.write(`${options.json ? JSON.stringify(answer, null, 2) : show(answer)}\n`)
}

/** Rows as a table with the given columns; `(none)` for an empty list. */
export function rows<T>(items: readonly T[], columns: readonly Column<T>[]): string {
  if (items.length === 0) return '(none)'
  return table(
    columns.map(([title]) => title),
    items.map((item) => columns.map(([, cell]) => text(cell(item)))),
  )
}

/** A page of a list as a table and an `N of TOTAL things` line (`?` when no total came). */
export function listed<T>(
  page: ListPage<T>,
  columns: readonly Column<T>[],
  things: string,
): string {
  return `${rows(page.data, columns)}\n${page.data.length} of ${listTotal(page) ?? '?'} ${things}`
}

/** One object as `field: value` lines. */
export function fields<T>(item: T, columns: readonly Column<T>[]): string {
  const width = Math.max(...columns.map(([title]) => title.length))
  return columns.map(([title, cell]) => `${title.padEnd(width)}  ${text(cell(item))}`).join('\n')
}

/** A flag as people read it in a table: `yes` or `no`. */
export function yesNo(flag: boolean): 'yes' | 'no' {
  return flag ? 'yes' : 'no'
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '-'
  if (typeof value === 'boolean') return yesNo(value)
  const line = typeof value === 'string' ? value : JSON.stringify(value)
  const flat = line.replace(/\s+/g, ' ')
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat
}

/** A UNIX-seconds string as `YYYY-MM-DD HH:MM` (UTC), for people. */
export function when(seconds: string | null): string | null {
  if (seconds === null) return null
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace('T', ' ')
}

/** The command that lists each kind of thing a 404 can name. */
const LISTED_BY: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bChat\b/, 'opencrunch chats list'],
  [/\bMessage\b/, 'opencrunch chats messages CHAT_ID'],
  [/\bCustomer\b/, 'opencrunch customers list'],
  [/\bAgent\b/, 'opencrunch agents'],
  [/\bDepartment\b/, 'opencrunch departments'],
  [/\bApplication\b/, 'opencrunch applications'],
]

/** What to do about a 404: a path the API does not have, or the id of something it lacks. */
function notFoundAdvice(message: string): string {
  if (/Route not found/.test(message)) {
    return 'Check the base URL (HELPCRUNCH_BASE_URL or --base-url): it ends in /v1.'
  }
  const lists = LISTED_BY.filter(([entity]) => entity.test(message)).map(([, list]) => list)
  const shown = (lists.length > 0 ? lists : LISTED_BY.slice(0, 2).map(([, list]) => list))
    .map((list) => `"${list}"`)
    .join(' and ')
  return `Check the id: ${shown} ${lists.length === 1 ? 'shows' : 'show'} them.`
}

function explain(error: unknown): Error {
  if (error instanceof RateLimitError) {
    return new CommandError(
      `${error.message}. Wait ${error.retryAfter} s and run the command again.`,
    )
  }
  if (error instanceof HelpCrunchError) {
    const next =
      error.status === 401
        ? 'Check HELPCRUNCH_API_KEY (or --api-key) and that the key belongs to this API.'
        : error.status === 404
          ? notFoundAdvice(error.message)
          : error.status === 400
            ? 'Fix the value named above; every command has --help.'
            : 'Try again; if it persists, the server log has the request id ' +
              `${error.requestId ?? '(none)'}.`
    return new CommandError(`${error.message.replace(/\.$/, '')}. ${next}`)
  }
  if (error instanceof ConnectionError) return new CommandError(error.message)
  return error as Error
}

// The API commands check their ids and counts as every other command does.
export { wholeNumber }

export interface ListFlags extends ApiOptions {
  readonly sort?: string
  readonly order?: 'asc' | 'desc'
  readonly limit?: string
  readonly offset?: string
}

export function paging(flags: ListFlags) {
  return {
    ...(flags.sort === undefined ? {} : { sort: flags.sort }),
    ...(flags.order === undefined ? {} : { order: flags.order }),
    ...(flags.limit === undefined ? {} : { limit: wholeNumber('--limit', flags.limit) }),
    ...(flags.offset === undefined ? {} : { offset: wholeNumber('--offset', flags.offset) }),
  }
}

export function listOptions(command: Command, sortable = true): Command {
  if (sortable) {
    command
      .option('--sort <field>', 'createdAt, lastMessageAt, lastCustomerMessageAt or closedAt')
      .option('--order <order>', 'asc or desc')
  }
  return command
    .option('--limit <n>', 'how many (1-100; default 100)')
    .option('--offset <n>', 'how many to skip')
}
