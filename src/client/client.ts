import type {
  Agent,
  AgentList,
  Application,
  ApplicationList,
  BatchCustomerChange,
  Chat,
  ChatList,
  ChatReadState,
  CreateChatBody,
  CreateCustomerBody,
  CreateEventBody,
  CreateMessageBody,
  Customer,
  CustomerChangeBody,
  CustomerList,
  Department,
  DepartmentList,
  Event,
  Message,
  MessageList,
  OrganizationResponse,
  Rating,
  SearchBody,
  SettableChatStatus,
  SnoozeChatBody,
  TagCustomerBody,
  UnreadTotals,
  UntagCustomerBody,
} from '../contract/index.js'
import { Transport, type ClientOptions } from './http.js'
import { listTotal, pages, type ListPage, type PageOptions } from './paginate.js'

/** A list's answer as a page to iterate (see `listTotal` for where its total is read). */
const asPage = <T>(page: ListPage<T>) => ({ items: page.data, total: listTotal(page) })

/** An id as the API takes it: a number, or a numeric string. */
export type Id = number | string

/**
 * An id to put in a path: a whole number, or its digits. Anything else is refused with a
 * `TypeError` (the methods that take one reject with it) before a request is sent, so that an id
 * read from input cannot lead a request to another path (`../organization`).
 */
function pathId(id: Id): string {
  const text = String(id)
  if (!/^[0-9]+$/.test(text)) throw new TypeError(`Not an id: ${JSON.stringify(id)}`)
  return text
}

/**
 * opencrunch's extension of the read calls (decisions.md section 4): `upToMessageId` marks the
 * side read only up to that message of the chat, with `read: true`. HelpCrunch does not document it.
 */
export type ReadOptions = {
  readonly upToMessageId?: Id
}

/** `sort` and `order` of a sortable list, with `offset` and `limit`. */
export type ListOptions = {
  readonly sort?: string
  readonly order?: 'asc' | 'desc'
  readonly offset?: number
  readonly limit?: number
}

/**
 * A chat's status as `PUT /chats/status` takes it: any status a chat is answered with but `empty`
 * (`onhold` included), the spellings of HelpCrunch's docs (`open`, `on hold`), or a code 1-6.
 */
export type SettableStatus = SettableChatStatus | 'open' | 'on hold' | 1 | 2 | 3 | 4 | 5 | 6

/**
 * A typed client of the HelpCrunch REST API v1, for HelpCrunch itself or an opencrunch server.
 * One method per endpoint; `all` methods iterate a whole list, page by page. Errors are thrown as
 * `HelpCrunchError` (status and `errors`), `RateLimitError` (after the retries) or
 * `ConnectionError`.
 */
export function createClient(options: ClientOptions) {
  const http = new Transport(options)
  const get = <T>(path: string, query?: Record<string, string | number | undefined>) =>
    http.request<T>({ method: 'GET', path, ...(query ? { query } : {}) })
  const send = <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
    http.request<T>({ method, path, ...(body === undefined ? {} : { body }) })

  /** What an `all` call puts in each page's query: its sort, never its page size. */
  const sortOf = ({ sort, order }: ListOptions) => ({ sort, order })

  const chats = {
    /** `GET /chats`: one page, `{data, meta: {total}}`. */
    list: (options?: ListOptions) => get<ChatList>('/chats', options),
    /** Every chat, across pages. */
    all: (options: Omit<ListOptions, 'offset' | 'limit'> & PageOptions = {}) =>
      pages<Chat>(options, (offset, limit) =>
        get<ChatList>('/chats', { ...sortOf(options), offset, limit }).then(asPage),
      ),
    get: async (id: Id) => get<Chat>(`/chats/${pathId(id)}`),
    create: (body: CreateChatBody) => send<Chat>('POST', '/chats', body),
    /** `POST /chats/search`: one page of the chats matching `filter`. */
    search: (body: SearchBody = {}) => send<ChatList>('POST', '/chats/search', body),
    /** Every chat matching the search, across pages. */
    searchAll: (body: Omit<SearchBody, 'offset' | 'limit'> = {}, paging: PageOptions = {}) =>
      pages<Chat>(paging, (offset, limit) =>
        send<ChatList>('POST', '/chats/search', { ...body, offset, limit }).then(asPage),
      ),
    /** Marks the chat read (`true`) or unread (`false`) for the agents; answers the whole chat. */
    readByAgent: (id: Id, read: boolean, options: ReadOptions = {}) =>
      send<Chat>('PUT', '/chats/readByAgent', { id, read, ...options }),
    /** `PUT /chats/read`: the older name of `readByAgent`, kept by HelpCrunch. */
    read: (id: Id, read: boolean, options: ReadOptions = {}) =>
      send<Chat>('PUT', '/chats/read', { id, read, ...options }),
    /** The same for the customer's side. */
    readByCustomer: (id: Id, read: boolean, options: ReadOptions = {}) =>
      send<Chat>('PUT', '/chats/readByCustomer', { id, read, ...options }),
    /** opencrunch only: each side's read flag, position and unread count. */
    readState: async (id: Id) => get<ChatReadState>(`/chats/${pathId(id)}/readState`),
    /** opencrunch only: the chats a side has unread, in all and per assignee, department, app. */
    unreadTotals: (side: UnreadTotals['side'] = 'agent') =>
      get<UnreadTotals>('/chats/unreadTotals', { side }),
    setStatus: (id: Id, status: SettableStatus) =>
      send<Chat>('PUT', '/chats/status', { id, status }),
    setAssignee: (id: Id, assignee: Id | null) =>
      send<Chat>('PUT', '/chats/assignee', { id, assignee }),
    setDepartment: (id: Id, department: Id | null) =>
      send<Chat>('PUT', '/chats/department', { id, department }),
    rate: (id: Id, rating: Rating) => send<Chat>('PUT', '/chats/rate', { id, rating }),
    /** Snoozes until `until` (UNIX seconds, a number or a numeric string); `null` ends it. */
    snooze: (id: Id, until: SnoozeChatBody['snoozedUntil']) =>
      send<Chat>('PUT', '/chats/snooze', { id, snoozedUntil: until }),
    /** `GET /chats/{id}/messages`: one page, newest first. */
    messages: async (id: Id, options: Pick<ListOptions, 'offset' | 'limit'> = {}) =>
      get<MessageList>(`/chats/${pathId(id)}/messages`, options),
    /** Every message of the chat, newest first, across pages. */
    allMessages: (id: Id, paging: PageOptions = {}) =>
      pages<Message>(paging, (offset, limit) =>
        get<MessageList>(`/chats/${pathId(id)}/messages`, { offset, limit }).then(asPage),
      ),
  }

  const messages = {
    /** Posts a message: leave `agent` out to write as the customer. */
    send: (body: CreateMessageBody) => send<Message>('POST', '/messages', body),
  }

  const customers = {
    list: (options?: ListOptions) => get<CustomerList>('/customers', options),
    all: (options: Omit<ListOptions, 'offset' | 'limit'> & PageOptions = {}) =>
      pages<Customer>(options, (offset, limit) =>
        get<CustomerList>('/customers', { ...sortOf(options), offset, limit }).then(asPage),
      ),
    get: async (id: Id) => get<Customer>(`/customers/${pathId(id)}`),
    create: (body: CreateCustomerBody) => send<Customer>('POST', '/customers', body),
    /** `PUT`: fields left out are cleared. */
    replace: async (id: Id, body: CustomerChangeBody) =>
      send<Customer>('PUT', `/customers/${pathId(id)}`, body),
    /** `PATCH`: fields left out stay as they are. */
    update: async (id: Id, body: CustomerChangeBody) =>
      send<Customer>('PATCH', `/customers/${pathId(id)}`, body),
    /** `PUT /customers/batch`: 1 to 10 changes, all or nothing. */
    updateMany: (changes: readonly BatchCustomerChange[]) =>
      send<Customer[]>('PUT', '/customers/batch', changes),
    delete: async (id: Id) => send<'Ok'>('DELETE', `/customers/${pathId(id)}`),
    search: (body: SearchBody = {}) => send<CustomerList>('POST', '/customers/search', body),
    searchAll: (body: Omit<SearchBody, 'offset' | 'limit'> = {}, paging: PageOptions = {}) =>
      pages<Customer>(paging, (offset, limit) =>
        send<CustomerList>('POST', '/customers/search', { ...body, offset, limit }).then(asPage),
      ),
    tag: async (id: Id, tags: TagCustomerBody['tags']) =>
      send<Customer>('PUT', `/customers/${pathId(id)}/tags`, { tags }),
    untag: async (id: Id, tags: UntagCustomerBody['tags']) =>
      send<Customer>('DELETE', `/customers/${pathId(id)}/tags`, { tags }),
  }

  const team = <
    Item extends { id: number },
    Page extends { data: Item[]; meta: { total: number } },
  >(
    path: string,
  ) => ({
    list: (options: Pick<ListOptions, 'offset' | 'limit'> = {}) => get<Page>(path, options),
    all: (paging: PageOptions = {}) =>
      pages<Item>(paging, (offset, limit) => get<Page>(path, { offset, limit }).then(asPage)),
  })

  return {
    chats,
    messages,
    customers,
    events: {
      /** Records an activity event of a customer. */
      create: (body: CreateEventBody) => send<Event>('POST', '/events', body),
    },
    agents: {
      ...team<Agent, AgentList>('/agents'),
      /** Unsubscribes the agent from HelpCrunch's newsletter. */
      unsubscribe: async (id: Id) => get<'Ok'>(`/agents/${pathId(id)}/unsubscribe`),
    },
    departments: team<Department, DepartmentList>('/departments'),
    applications: team<Application, ApplicationList>('/applications'),
    organization: {
      get: () => get<OrganizationResponse>('/organization').then((answer) => answer.data),
    },
  }
}

export type HelpCrunchClient = ReturnType<typeof createClient>
