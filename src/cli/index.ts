import type { Command } from 'commander'
import { registerChatCommands, registerMessageCommands } from './chats.js'
import { registerCustomerCommands, registerTeamCommands } from './customers.js'

/**
 * The commands for people that talk to an API, HelpCrunch's or an opencrunch server's, through
 * the typed client: `HELPCRUNCH_API_KEY` and `HELPCRUNCH_BASE_URL` (or flags) say which.
 */
export function registerApiCommands(program: Command): void {
  registerChatCommands(program)
  registerMessageCommands(program)
  registerCustomerCommands(program)
  registerTeamCommands(program)
}
