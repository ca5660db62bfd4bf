/**
 * What the server must answer, written out once for every test: the error envelopes of
 * decisions.md section 2, HelpCrunch's field-problem wording, and acme's entities as the wire
 * shows them.
 */

export const INVALID = { code: 'invalid_request', message: 'Invalid request' }

/** The 401 body, byte for byte. */
export const UNAUTHORIZED_TEXT =
  '{"errors":[{"code":"invalid_request","message":"Invalid request"},' +
  '{"code":"unauthorized","message":"Unauthorized"}]}'
export const UNAUTHORIZED = JSON.parse(UNAUTHORIZED_TEXT) as { errors: unknown[] }

/** The 429 body, byte for byte. */
export const TOO_MANY_TEXT =
  '{"errors":[{"code":"invalid_request","message":"Invalid request"},' +
  '{"code":"too_many_requests","message":"Too many requests"}]}'

/** The `errors` of a 404 for an unknown entity ("Chat", "Customer", "Route", ...). */
export const notFound = (entity: string) => [
  INVALID,
  { code: 'not_found', message: `${entity} not found` },
]

/** Ways to fail authentication, for `it.each`. */
export const UNAUTHORIZED_KEYS = [
  ['no key', null],
  ['an unknown key', 'not-a-key'],
] as const

export const BLANK = 'This value should not be blank.'
export const NUMERIC = 'This value should be of type numeric.'
export const NOT_A_CHOICE = 'The value you selected is not a valid choice.'

// acme's entities (test/helpers/fixtures.ts) as the wire shows them.
export const SARAH = { id: 1, name: 'Sarah', email: 'sarah@acme.test', role: 'admin' }
export const MIKE = { id: 2, name: 'Mike', email: 'mike@acme.test', role: 'agent' }
export const HANK = { id: 3, name: 'Hank', email: 'hank@globex.test', role: 'admin' }
export const ALICE = { id: 100, name: 'Alice', email: 'alice@example.com', userId: 'alice-1' }
export const BOB = { id: 101, name: 'Bob', email: 'bob@example.com', userId: 'bob-1' }
