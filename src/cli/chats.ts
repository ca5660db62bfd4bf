import type { Command } from 'commander'
import type { Chat, Message } from '../client/index.js'
import {
  apiCommand,
  fields,
  listed,
  runApi,
  when,
  yesNo,
  wholeNumber,
  listOptions,
  paging,
  type ApiOptions,
  type Column,
  type ListFlags,
} from './context.js'
import { FILTER_HELP, parseFilter } from './filter.js'
import { registerChatChangeCommands } from './chat-changes.js'
import { registerReadStateCommands } from './read-state.js'

const CHAT_COLUMNS: readonly Column<Chat>[] = [
  ['ID', (chat) => chat.id],
  ['STATUS', (chat) => chat.status],
  ['CUSTOMER', (chat) => chat.customer.name ?? chat.customer.email ?? chat.customer.id],
  ['ASSIGNEE', (chat) => chat.assignee?.name],
  ['READ BY AGENT', (chat) => chat.readByAgent],
  ['LAST MESSAGE', (chat) => when(chat.lastMessageAt)],
  ['TEXT', (chat) => chat.lastMessageText],
]

const CHAT_FIELDS: readonly Column<Chat>[] = [
  ...CHAT_COLUMNS.slice(0, 4),
  ['DEPARTMENT', (chat) => chat.department?.name],
  ['READ BY AGENT', (chat) => chat.readByAgent],
  ['READ BY CUSTOMER', (chat) => chat.readByCustomer],
  ['CREATED', (chat) => when(chat.createdAt)],
  ['LAST MESSAGE', (chat) => when(chat.lastMessageAt)],
  ['TEXT', (chat) => chat.lastMessageText],
]

const MESSAGE_COLUMNS: readonly Column<Message>[] = [
  ['ID', (message) => message.id],
  ['FROM', (message) => (message.from === 'agent' ? (message.agent?.name ?? 'agent') : 'customer')],
  ['TYPE', (message) => message.type],
  ['READ', (message) => message.read],
  ['SENT', (message) => when(message.createdAt)],
  ['TEXT', (message) => message.text],
]

interface ReadFlags {
  readonly customer?: boolean
  readonly upTo?: string
}

export function registerChatCommands(program: Command): void {
  const chats = program.command('chats').description('Read and change chats through the API')
  registerReadStateCommands(chats)
  registerChatChangeCommands(chats)

  apiCommand(listOptions(chats.command('list').description('List chats, newest first'))).action(
    (flags: ListFlags) =>
      runApi(
        flags,
        (client) => client.chats.list(paging(flags)),
        (page) => listed(page, CHAT_COLUMNS, 'chats'),
      ),
  )

  apiCommand(chats.command('get').description('Show one chat').argument('<id>', 'chat id')).action(
    (id: string, flags: ApiOptions) =>
      runApi(
        flags,
        (client) => client.chats.get(wholeNumber('id', id, 1)),
        (chat) => fields(chat, CHAT_FIELDS),
      ),
  )

  apiCommand(
    listOptions(
      chats
        .command('search')
        .description('Find chats: --filter status=opened --filter assignee=3 (all must hold)')
        .option('--filter <expression...>', FILTER_HELP)
        .option('--any', 'match chats that meet any filter, not all'),
    ),
  ).action((flags: ListFlags & { filter?: string[]; any?: boolean }) =>
    runApi(
      flags,
      (client) =>
        client.chats.search({
          filter: (flags.filter ?? []).map(parseFilter),
          ...(flags.any ? { comparison: 'OR' } : {}),
          ...paging(flags),
        }),
      (page) => listed(page, CHAT_COLUMNS, 'chats'),
    ),
  )

  for (const [name, read] of [
    ['read', true],
    ['unread', false],
  ] as const) {
    const command = chats
      .command(name)
      .description(`Mark a chat ${name} for the agents (or, with --customer, the customer)`)
      .argument('<id>', 'chat id')
      .option('--customer', "the customer's side instead of the agents'")
    if (read) {
      command.option(
        '--up-to <message>',
        'only up to this message id, what was displayed (an opencrunch extension)',
      )
    }
    apiCommand(command).action((id: string, flags: ApiOptions & ReadFlags) =>
      runApi(
        flags,
        (client) => {
          const options =
            flags.upTo === undefined ? {} : { upToMessageId: wholeNumber('--up-to', flags.upTo, 1) }
          return flags.customer
            ? client.chats.readByCustomer(wholeNumber('id', id, 1), read, options)
            : client.chats.readByAgent(wholeNumber('id', id, 1), read, options)
        },
        (chat) =>
          `Chat ${chat.id}: read by agent ${yesNo(chat.readByAgent)}, ` +
          `read by customer ${yesNo(chat.readByCustomer)}.`,
      ),
    )
  }

  apiCommand(
    listOptions(
      chats
        .command('messages')
        .description("A chat's messages, newest first")
        .argument('<id>', 'chat id'),
      false,
    ),
  ).action((id: string, flags: ListFlags) =>
    runApi(
      flags,
      (client) => client.chats.messages(wholeNumber('id', id, 1), paging(flags)),
      (page) => listed(page, MESSAGE_COLUMNS, 'messages'),
    ),
  )

  apiCommand(
    chats
      .command('status')
      .description('Set a chat status: new, opened, pending, "on hold", "no communication", closed')
      .argument('<id>', 'chat id')
      .argument('<status>', 'the new status'),
  ).action((id: string, status: string, flags: ApiOptions) =>
    runApi(
      flags,
      (client) => client.chats.setStatus(wholeNumber('id', id, 1), status as 'opened'),
      (chat) => `Chat ${chat.id} is ${chat.status}.`,
    ),
  )
}

export function registerMessageCommands(program: Command): void {
  const messages = program.command('messages').description('Send messages through the API')
  apiCommand(
    messages
      .command('send')
      .description('Send a message to a chat: from an agent with --agent, else as the customer')
      .requiredOption('--chat <id>', 'the chat')
      .requiredOption('--text <text>', 'what to say')
      .option('--agent <id>', 'the agent who writes (leave out to write as the customer)')
      .option('--private', 'a private note for the team (by --agent, or by nobody)'),
  ).action(
    (flags: ApiOptions & { chat: string; text: string; agent?: string; private?: boolean }) =>
      runApi(
        flags,
        (client) =>
          client.messages.send({
            chat: wholeNumber('--chat', flags.chat, 1),
            text: flags.text,
            type: flags.private ? 'private' : 'message',
            ...(flags.agent === undefined ? {} : { agent: wholeNumber('--agent', flags.agent, 1) }),
          }),
        (message) => `Sent message ${message.id} to chat ${message.chat}.`,
      ),
  )
}
