import Type, { type TUnsafe } from 'typebox'

/** A string restricted to `values`, as a plain `enum` (not `anyOf`) so it serializes fast. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

/** Chat statuses as opencrunch emits them (the chat-model spelling). */
export const CHAT_STATUSES = [
  'new',
  'opened',
  'pending',
  'onhold',
  'no communication',
  'closed',
  'empty',
] as const
export type ChatStatus = (typeof CHAT_STATUSES)[number]

/** Agent roles; `superviser` is HelpCrunch's own spelling. */
export const AGENT_ROLES = ['agentChatOnly', 'agent', 'superviser', 'admin'] as const
export type AgentRole = (typeof AGENT_ROLES)[number]

/** Message types HelpCrunch documents. */
export const MESSAGE_TYPES = ['message', 'private', 'tech', 'email', 'knowledgeBase'] as const
export type MessageType = (typeof MESSAGE_TYPES)[number]

/** Message types a client may post through `POST /v1/messages`. */
export const POSTABLE_MESSAGE_TYPES = ['message', 'private'] as const

/** What started a chat. */
export const CREATED_WITH = [
  'public_api',
  'broadcast_reply',
  'agent_message',
  'customer_message',
] as const
export type CreatedWith = (typeof CREATED_WITH)[number]

/** Chat ratings the rate endpoint accepts. */
export const RATINGS = ['perfect', 'great', 'average', 'poor', 'very poor'] as const
export type Rating = (typeof RATINGS)[number]

/** Every spelling of a status HelpCrunch's docs use on input, to the spelling opencrunch emits. */
const STATUS_SPELLINGS: ReadonlyMap<string, ChatStatus> = new Map(
  Object.entries({
    new: 'new',
    open: 'opened',
    opened: 'opened',
    pending: 'pending',
    onhold: 'onhold',
    'on hold': 'onhold',
    'on-hold': 'onhold',
    on_hold: 'onhold',
    'no communication': 'no communication',
    'no-communication': 'no communication',
    no_communication: 'no communication',
    closed: 'closed',
    empty: 'empty',
    // The numeric codes of HelpCrunch's search examples.
    '1': 'new',
    '2': 'opened',
    '3': 'pending',
    '4': 'onhold',
    '5': 'closed',
    '6': 'no communication',
    '7': 'empty',
  } satisfies Record<string, ChatStatus>),
)

/** A status as a client may send it (any documented spelling, any case, or a code 1-7). */
export function parseChatStatus(input: string | number): ChatStatus | undefined {
  return STATUS_SPELLINGS.get(String(input).trim().toLowerCase())
}

/** A status a client may set: every status but `empty`, which only a chat without messages has. */
export type SettableChatStatus = Exclude<ChatStatus, 'empty'>

/** A status a client may set, as `parseChatStatus` reads it; `undefined` for `empty` or unknown. */
export function parseSettableChatStatus(input: string | number): SettableChatStatus | undefined {
  const status = parseChatStatus(input)
  return status === 'empty' ? undefined : status
}

/** `text` as a pattern matching it in any case: `on hold` -> `[oO][nN] [hH][oO][lL][dD]`. */
function anyCase(text: string): string {
  return [...text]
    .map((c) =>
      /[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('')
}

/**
 * A JSON-schema pattern matching exactly the strings `parseChatStatus` turns into a settable
 * status: each spelling (or code) of every status but `empty`, in any case, with white space
 * around it. It lets a request schema refuse any other string at the edge, with the other bad
 * fields of the same request.
 */
export const SETTABLE_STATUS_PATTERN = `^\\s*(?:${[...STATUS_SPELLINGS]
  .filter(([, status]) => status !== 'empty')
  .map(([spelling]) => anyCase(spelling))
  .join('|')})\\s*$`
