import type { Command } from 'commander'
import type { ChatReadState, UnreadTotals } from '../client/index.js'
import { apiCommand, rows, runApi, wholeNumber, type ApiOptions, type Column } from './context.js'

/** opencrunch's read-state reports (decisions.md section 4, extensions); HelpCrunch has none. */

type SideRow = readonly [string, ChatReadState['agent']]

const SIDE_COLUMNS: readonly Column<SideRow>[] = [
  ['SIDE', ([side]) => side],
  ['READ', ([, state]) => state.read],
  ['READ UP TO', ([, state]) => state.readUpToMessageId],
  ['UNREAD MESSAGES', ([, state]) => state.unreadCount],
]

type GroupRow = readonly [string, UnreadTotals['byAssignee'][number]]

const GROUP_COLUMNS: readonly Column<GroupRow>[] = [
  ['BY', ([by]) => by],
  ['ID', ([, group]) => group.id ?? 'none'],
  ['UNREAD CHATS', ([, group]) => group.chats],
]

function showTotals(totals: UnreadTotals): string {
  const groups: GroupRow[] = [
    ...totals.byAssignee.map((group) => ['assignee', group] as const),
    ...totals.byDepartment.map((group) => ['department', group] as const),
    ...totals.byApplication.map((group) => ['application', group] as const),
  ]
  const whose = totals.side === 'agent' ? 'the agents' : 'customers'
  const head = `${totals.chats} chat${totals.chats === 1 ? '' : 's'} unread by ${whose}.`
  return groups.length === 0 ? head : `${head}\n${rows(groups, GROUP_COLUMNS)}`
}

/** `chats read-state ID` and `chats unread-totals`, under the `chats` command. */
export function registerReadStateCommands(chats: Command): void {
  apiCommand(
    chats
      .command('read-state')
      .description("A chat's read position and unread messages per side (opencrunch servers)")
      .argument('<id>', 'chat id'),
  ).action((id: string, flags: ApiOptions) =>
    runApi(
      flags,
      (client) => client.chats.readState(wholeNumber('id', id, 1)),
      (state) =>
        `Chat ${state.chatId}, last message ${state.lastMessageId ?? 'none'}\n` +
        rows<SideRow>(
          [
            ['agent', state.agent],
            ['customer', state.customer],
          ],
          SIDE_COLUMNS,
        ),
    ),
  )

  apiCommand(
    chats
      .command('unread-totals')
      .description('Unread chats per assignee, department and application (opencrunch servers)')
      .option('--customer', "the customers' side instead of the agents'"),
  ).action((flags: ApiOptions & { customer?: boolean }) =>
    runApi(
      flags,
      (client) => client.chats.unreadTotals(flags.customer ? 'customer' : 'agent'),
      showTotals,
    ),
  )
}
