import type { Command } from 'commander'
import type { Chat, HelpCrunchClient, Rating } from '../client/index.js'
import { RATINGS } from '../contract/enums.js'
import { CommandError } from '../server/commands/command-error.js'
import { apiCommand, runApi, when, wholeNumber, type ApiOptions } from './context.js'

/**
 * The chat changes an inbox makes besides read state and status: create, assign, move to a
 * department, snooze, rate. Each prints the one line that says what the chat is now.
 */
export function registerChatChangeCommands(chats: Command): void {
  apiCommand(
    chats
      .command('create')
      .description('Create a chat for a customer (post its first message with "messages send")')
      .requiredOption('--customer <id>', 'the customer')
      .requiredOption('--application <id>', 'the application (see "opencrunch applications")')
      .option('--assignee <id>', 'the agent to assign')
      .option('--department <id>', 'the department'),
  ).action(
    (
      flags: ApiOptions & {
        customer: string
        application: string
        assignee?: string
        department?: string
      },
    ) =>
      runApi(
        flags,
        (client) =>
          client.chats.create({
            customer: wholeNumber('--customer', flags.customer, 1),
            application: wholeNumber('--application', flags.application, 1),
            ...(flags.assignee === undefined
              ? {}
              : { assignee: wholeNumber('--assignee', flags.assignee, 1) }),
            ...(flags.department === undefined
              ? {}
              : { department: wholeNumber('--department', flags.department, 1) }),
          }),
        (chat) => `Created chat ${chat.id} (${chat.status}).`,
      ),
  )

  change(
    chats,
    'assign',
    'Assign a chat to an agent, or to nobody with "none"',
    '<agent>',
    'agent id, or none',
    (client, id, agent) => client.chats.setAssignee(id, idOrNone('agent', agent)),
    (chat) => `Chat ${chat.id} is assigned to ${chat.assignee?.name ?? 'nobody'}.`,
  )

  change(
    chats,
    'department',
    'Move a chat to a department, or out of any with "none"',
    '<department>',
    'department id, or none',
    (client, id, department) => client.chats.setDepartment(id, idOrNone('department', department)),
    (chat) => `Chat ${chat.id} is in ${chat.department?.name ?? 'no department'}.`,
  )

  change(
    chats,
    'snooze',
    'Snooze a chat until a time, or for a while (30m, 2h, 1d); "off" ends the snooze',
    '<until>',
    'UNIX seconds, a duration such as 2h, or off',
    (client, id, until) => client.chats.snooze(id, snoozeUntil(until, Date.now())),
    (chat) =>
      chat.snoozedUntil === null
        ? `Chat ${chat.id} is not snoozed.`
        : `Chat ${chat.id} is snoozed until ${when(chat.snoozedUntil)} UTC.`,
  )

  change(
    chats,
    'rate',
    `Rate a closed chat: ${RATING_LIST}`,
    '<rating>',
    'the rating',
    (client, id, rating) => client.chats.rate(id, asRating(rating)),
    (chat) => `Chat ${chat.id} is rated ${chat.rating}.`,
  )
}

/** `chats NAME <id> <value>`: one change of one chat, answered by the whole chat. */
function change(
  chats: Command,
  name: string,
  description: string,
  value: string,
  valueHelp: string,
  apply: (client: HelpCrunchClient, id: number, value: string) => Promise<Chat>,
  show: (chat: Chat) => string,
): void {
  apiCommand(
    chats
      .command(name)
      .description(description)
      .argument('<id>', 'chat id')
      .argument(value, valueHelp),
  ).action((id: string, raw: string, flags: ApiOptions) =>
    runApi(flags, (client) => apply(client, wholeNumber('id', id, 1), raw), show),
  )
}

/** An id argument that may be `none` (or `null`) for no one. */
function idOrNone(what: string, raw: string): number | null {
  return /^(none|null)$/i.test(raw) ? null : wholeNumber(`the ${what}`, raw, 1)
}

/** The ratings, as a sentence lists them: `"perfect", "great", ...`. */
const RATING_LIST = RATINGS.map((rating) => `"${rating}"`).join(', ')

const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400 }

/** `off`: no snooze; `2h`: that long from `nowMs`; digits: that UNIX second. */
export function snoozeUntil(raw: string, nowMs: number): number | null {
  if (/^(off|none|null)$/i.test(raw)) return null
  const duration = /^([0-9]{1,6})([mhd])$/.exec(raw)
  if (duration) {
    return Math.floor(nowMs / 1000) + Number(duration[1]) * UNIT_SECONDS[duration[2]!]!
  }
  if (/^[0-9]{1,12}$/.test(raw)) return Number(raw)
  throw new CommandError(
    `"${raw}" is not a time to snooze until: give UNIX seconds (1767225600), a duration ` +
      '(30m, 2h, 1d), or off.',
  )
}

function asRating(raw: string): Rating {
  const rating = RATINGS.find((known) => known === raw.toLowerCase())
  if (rating === undefined) {
    throw new CommandError(`"${raw}" is not a rating: use ${RATING_LIST}.`)
  }
  return rating
}
