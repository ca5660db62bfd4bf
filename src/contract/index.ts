/**
 * The HelpCrunch v1 wire contract: one schema per resource, the single source for request
 * validation, response serialization and (later) the OpenAPI document and the typed client.
 */
export * from './agents.js'
export * from './applications.js'
export * from './chat-search.js'
export * from './chats.js'
export * from './common.js'
export * from './customers.js'
export * from './departments.js'
export * from './enums.js'
export * from './events.js'
export * from './messages.js'
export * from './organization.js'
export * from './read-state.js'
