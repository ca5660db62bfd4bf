/**
 * opencrunch/client: a typed client of the HelpCrunch REST API v1. It works against HelpCrunch
 * itself (the default base URL) and against an opencrunch server, and needs nothing but `fetch`.
 */
export {
  createClient,
  type HelpCrunchClient,
  type Id,
  type ListOptions,
  type ReadOptions,
  type SettableStatus,
} from './client.js'
export { ConnectionError, HelpCrunchError, RateLimitError, type ErrorEntry } from './errors.js'
export { HELPCRUNCH_BASE_URL, type ClientOptions } from './http.js'
export type { PageOptions } from './paginate.js'
export type {
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
  Organization,
  Rating,
  SearchBody,
  SearchFilter,
  TagCustomerBody,
  UnreadTotals,
  UntagCustomerBody,
} from '../contract/index.js'
