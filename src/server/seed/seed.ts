import type { ChatStatus } from '../../contract/index.js'
import { insertAgent } from '../features/agents/agents.repository.js'
import { insertApplication } from '../features/applications/applications.repository.js'
import { insertChat, setChatState } from '../features/chats/chats.repository.js'
import { setReadState } from '../features/chats/read-state.js'
import { addCustomer } from '../features/customers/customers.service.js'
import {
  addDepartmentAgent,
  insertDepartment,
} from '../features/departments/departments.repository.js'
import { appendMessage } from '../features/messages/messages.service.js'
import type { Db, Queryable } from '../storage/db.js'
import { CUSTOMER_LINES, AGENT_LINES, FIRST_NAMES, LAST_NAMES } from './phrases.js'
import { randomSource, type Random } from './random.js'

export interface SeedOptions {
  readonly organizationId: number
  readonly chats: number
  readonly messagesPerChat: number
  /** Customers to create and spread the chats over; default one for every two chats. */
  readonly customers?: number
  /** UNIX seconds; chats are spread over the 90 days before it. */
  readonly now: number
  /** Seed of the pseudo-random choices: the same seed gives the same data. Default 1. */
  readonly seed?: number
  /** Chats written per transaction. Default 1,000. */
  readonly batchSize?: number
  /** Called after each batch, and once before the chats with 0. */
  readonly onProgress?: (chatsDone: number, chatsTotal: number) => void
}

export interface SeedSummary {
  agents: number
  applications: number
  departments: number
  customers: number
  chats: number
  messages: number
}

interface Team {
  agents: number[]
  applications: number[]
  departments: number[]
}

const DAY = 86_400

/**
 * Fills an existing organization with synthetic customers and chats through the same code the API
 * and the fixture loader use, so every derived field and read position is as real traffic would
 * leave it. Creates a small team first if the organization has none. Writes in batches of
 * `batchSize` chats, each batch one transaction.
 */
export async function seedOrganization(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const random = randomSource(options.seed ?? 1)
  const summary: SeedSummary = {
    agents: 0,
    applications: 0,
    departments: 0,
    customers: 0,
    chats: 0,
    messages: 0,
  }
  const team = await db.transaction((tx) => ensureTeam(tx, options, summary))
  const customerCount = options.customers ?? Math.max(1, Math.round(options.chats / 2))
  const batchSize = options.batchSize ?? 1000
  const run = `${options.now.toString(36)}${Math.floor(random() * 1e6).toString(36)}`

  const customers: number[] = []
  for (let start = 0; start < customerCount; start += batchSize) {
    await db.transaction(async (tx) => {
      for (let n = start; n < Math.min(customerCount, start + batchSize); n++) {
        customers.push(
          await addCustomer(tx, db, options.organizationId, person(random, run, n), options.now),
        )
        summary.customers += 1
      }
    })
  }

  options.onProgress?.(0, options.chats)
  for (let start = 0; start < options.chats; start += batchSize) {
    await db.transaction(async (tx) => {
      for (let n = start; n < Math.min(options.chats, start + batchSize); n++) {
        summary.messages += await seedChat(tx, options, random, team, pick(random, customers))
        summary.chats += 1
      }
    })
    options.onProgress?.(summary.chats, options.chats)
  }
  return summary
}

async function ensureTeam(
  tx: Queryable,
  options: SeedOptions,
  summary: SeedSummary,
): Promise<Team> {
  const organizationId = options.organizationId
  const ids = async (table: 'agents' | 'applications' | 'departments') =>
    (
      await tx.all<{ id: number }>(
        `SELECT id FROM ${table} WHERE organization_id = ? ORDER BY id`,
        [organizationId],
      )
    ).map((row) => row.id)
  const team: Team = {
    agents: await ids('agents'),
    applications: await ids('applications'),
    departments: await ids('departments'),
  }
  if (team.agents.length === 0) {
    for (const [n, name] of ['Ada', 'Ben', 'Chloe', 'Dmytro', 'Eva'].entries()) {
      const email = `${name.toLowerCase()}@seed.opencrunch.test`
      const role = n === 0 ? 'admin' : 'agent'
      team.agents.push(await insertAgent(tx, { organizationId, name, email, role }))
      summary.agents += 1
    }
  }
  if (team.applications.length === 0) {
    const application = {
      organizationId,
      name: 'Website',
      displayName: 'Website',
      type: 'widget',
      active: true,
    }
    team.applications.push(await insertApplication(tx, application))
    summary.applications += 1
  }
  if (team.departments.length === 0) {
    const id = await insertDepartment(tx, { organizationId, name: 'Support' })
    for (const [position, agentId] of team.agents.entries()) {
      await addDepartmentAgent(tx, id, agentId, position + 1)
    }
    team.departments.push(id)
    summary.departments += 1
  }
  return team
}

function person(random: Random, run: string, n: number) {
  const first = pick(random, FIRST_NAMES)
  const last = pick(random, LAST_NAMES)
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}.${n}@${run}.example.com`.toLowerCase(),
    userId: `seed-${run}-${n}`,
  }
}

/** Final states, by how often an inbox holds them. */
const STATUSES: ReadonlyArray<readonly [ChatStatus, number]> = [
  ['closed', 0.6],
  ['opened', 0.2],
  ['new', 0.08],
  ['pending', 0.07],
  ['onhold', 0.05],
]

/** One chat: the customer writes first, then the two sides take turns. Returns its messages. */
async function seedChat(
  tx: Queryable,
  options: SeedOptions,
  random: Random,
  team: Team,
  customerId: number,
): Promise<number> {
  const { organizationId } = options
  const createdAt = options.now - Math.floor(random() * 90 * DAY)
  const assigneeId = random() < 0.7 ? pick(random, team.agents) : null
  const chatId = await insertChat(tx, {
    organizationId,
    customerId,
    applicationId: pick(random, team.applications),
    assigneeId,
    departmentId: random() < 0.5 ? pick(random, team.departments) : null,
    status: 'empty',
    createdWith: 'customer_message',
    createdAt,
  })
  const agentId = assigneeId ?? pick(random, team.agents)
  let at = createdAt
  for (let m = 0; m < options.messagesPerChat; m++) {
    const fromCustomer = m % 2 === 0
    await appendMessage(tx, organizationId, {
      chatId,
      agentId: fromCustomer ? null : agentId,
      type: 'message',
      text: pick(random, fromCustomer ? CUSTOMER_LINES : AGENT_LINES),
      createdAt: at,
    })
    at += 30 + Math.floor(random() * 600)
  }
  const status = options.messagesPerChat === 0 ? 'empty' : weighted(random, STATUSES)
  if (status !== 'new' && status !== 'opened' && status !== 'empty') {
    const closed = status === 'closed'
    await setChatState(tx, chatId, {
      status,
      closedAt: closed ? at : null,
      closedBy: closed ? (random() < 0.8 ? 'agent' : 'customer') : null,
      rating: closed && random() < 0.3 ? pick(random, ['great', 'average', 'poor']) : null,
      snoozedUntil: null,
    })
  }
  // Most chats have been looked at by now; some wait, some were marked unread on purpose.
  if (random() < 0.8) await setReadState(tx, organizationId, chatId, 'agent', true)
  if (random() < 0.6) await setReadState(tx, organizationId, chatId, 'customer', true)
  return options.messagesPerChat
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!
}

function weighted<T>(random: Random, choices: ReadonlyArray<readonly [T, number]>): T {
  let roll = random()
  for (const [choice, weight] of choices) {
    roll -= weight
    if (roll < 0) return choice
  }
  return choices.at(-1)![0]
}
