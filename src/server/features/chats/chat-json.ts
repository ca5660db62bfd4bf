import { Chat, READ_ARTICLE_ORDER } from '../../../contract/index.js'
import type { Dialect, JsonSql } from '../../storage/db.js'

/**
 * The chat presenter, written in SQL: the database answers a chat as its finished HelpCrunch JSON,
 * so the hot paths (mark-read, get a chat, list chats) neither turn two dozen columns into an
 * object nor serialize it again. Every field of the contract's Chat maps to one expression here;
 * a field added to the contract does not compile until it is mapped.
 */

type ChatKey = keyof Chat

const agent = (json: JsonSql, alias: string) =>
  json.object([
    ['id', `${alias}.id`],
    ['name', `${alias}.name`],
    ['email', `${alias}.email`],
    ['role', `${alias}.role`],
  ])

/** Each wire field as an SQL expression over the chat row `t` and its read-state row `r`. */
function fields(json: JsonSql, t: string, r: string): Record<ChatKey, string> {
  return {
    id: `${t}.id`,
    closedBy: `${t}.closed_by`,
    lastCustomerMessageAt: json.string(`${t}.last_customer_message_at`),
    status: `${t}.status`,
    closedAt: json.string(`${t}.closed_at`),
    rating: `${t}.rating`,
    createdAt: json.string(`${t}.created_at`),
    lastMessageAt: json.string(`${t}.last_message_at`),
    readByAgent: json.boolean(`${r}.read_by_agent`),
    readByCustomer: json.boolean(`${r}.read_by_customer`),
    createdWith: `${t}.created_with`,
    snoozedUntil: json.string(`${t}.snoozed_until`),
    lastMessageText: `${t}.last_message_text`,
    lastMessageId: `${r}.last_message_id`,
    applicationId: `${t}.application_id`,
    lastCommunicatedAgentId: `${t}.last_communicated_agent_id`,
    agents: json.array(
      agent(json, 'ag'),
      `FROM chat_agents ca JOIN agents ag ON ag.id = ca.agent_id WHERE ca.chat_id = ${t}.id`,
      'ca.first_message_id',
    ),
    customer: json.embed(
      `SELECT ${json.object([
        ['id', 'cu.id'],
        ['name', 'cu.name'],
        ['email', 'cu.email'],
        ['userId', 'cu.user_id'],
      ])} FROM customers cu WHERE cu.id = ${t}.customer_id`,
    ),
    assignee: json.embed(`SELECT ${agent(json, 'a')} FROM agents a WHERE a.id = ${t}.assignee_id`),
    department: json.embed(
      `SELECT ${json.object([
        ['id', 'd.id'],
        ['name', 'd.name'],
      ])} FROM departments d WHERE d.id = ${t}.department_id`,
    ),
  }
}

/** The chat-model field order (the contract's), and the read article's. */
export type ChatOrder = 'model' | 'read-article'

const MODEL_ORDER = Object.keys(Chat.properties) as ChatKey[]

/**
 * The SQL expression of a chat as its wire JSON, fields in the given order, over the chat row
 * `chat` and its read-state row `readState` (both aliases of the query).
 */
export function chatJson(
  dialect: Dialect,
  chat: string,
  readState: string,
  order: ChatOrder = 'model',
): string {
  const expressions = fields(dialect.json, chat, readState)
  const keys = order === 'model' ? MODEL_ORDER : READ_ARTICLE_ORDER
  return dialect.json.object(keys.map((key) => [key, expressions[key]]))
}
