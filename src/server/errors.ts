/**
 * The one error type and its catalog. Every error answer of the API is built here, in the
 * HelpCrunch envelope `{"errors":[{"code","message"}]}`; nothing else writes that shape.
 */

/** Codes that are not field paths. A typo here does not compile. */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'not_fount'
  | 'too_many_requests'
  | 'internal_error'
  | 'invalid_userId_value'
  | 'request_too_large'

/** The "This value ..." messages of field problems, HelpCrunch's (Symfony's) wording. */
export type FieldMessage =
  | 'This value should not be blank.'
  | `This value should be of type ${string}.`
  | 'The value you selected is not a valid choice.'
  | 'This value is not valid.'
  | 'This value is not a valid email address.'
  | 'This value should be valid JSON.'
  | 'This value is already used.'
  | 'This field was not expected.'
  | 'This value must not use __proto__ or constructor.prototype as a key.'
  | 'This value must not contain the NUL character (U+0000).'
  | `This value must not nest arrays and objects more than ${number} levels deep.`
  | `This value differs from ${string}, which is given too.`
  | `This value is allowed only when ${string} is true.`
  | `This value should be ${'greater' | 'less'} than or equal to ${number}.`
  | `This value is too long. It should have ${number} characters or less.`
  | `This value is too short. It should have ${number} characters or more.`
  | `This collection should contain ${number} element${'' | 's'} or ${'less' | 'more'}.`

/**
 * Refusals of a well-formed request the state of a chat forbids, each a 400 with this message as
 * its one `invalid_request` entry. "Chat must me closed to rate" keeps HelpCrunch's own typo.
 */
export type RefusalMessage =
  | 'Chat must me closed to rate'
  | 'Chat is already rated'
  | 'Chat must have at least one agent message to rate'

/** Entities whose absence is a 404 `not_found` "<Entity> not found". */
export type Entity =
  'Chat' | 'Message' | 'Customer' | 'Agent' | 'Department' | 'Application' | 'Event' | 'Route'

export interface ErrorEntry {
  readonly code: string
  readonly message: string
}

/** One problem with one field of the request: `code` is its path (`id`, `filter[0].field`). */
export interface FieldProblem {
  readonly field: string
  readonly message: FieldMessage
}

const INVALID_REQUEST: ErrorEntry = { code: 'invalid_request', message: 'Invalid request' }

/** An error the API answers with: a status and the entries of the envelope. */
export class ApiError extends Error {
  /** The serialized envelope, built once. */
  readonly body: string

  constructor(
    readonly status: number,
    readonly errors: readonly ErrorEntry[],
  ) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('; '))
    this.name = 'ApiError'
    this.body = JSON.stringify({ errors })
  }
}

function entry(code: ErrorCode, message: string): ErrorEntry {
  return { code, message }
}

// Errors whose bytes never change are built once and shared.
const UNAUTHORIZED = new ApiError(401, [INVALID_REQUEST, entry('unauthorized', 'Unauthorized')])
const TOO_MANY_REQUESTS = new ApiError(429, [
  INVALID_REQUEST,
  entry('too_many_requests', 'Too many requests'),
])
const INTERNAL = new ApiError(500, [entry('internal_error', 'Internal server error')])

/** The catalog: every error the API can answer with. */
export const Errors = {
  /** 401: a missing, malformed, unknown or revoked API key. */
  unauthorized: (): ApiError => UNAUTHORIZED,

  /** 429: over the rate limit. */
  tooManyRequests: (): ApiError => TOO_MANY_REQUESTS,

  /** 500: anything unexpected; the detail goes to the log, never to the client. */
  internal: (): ApiError => INTERNAL,

  /** 404 of the read endpoints: HelpCrunch's single `not_fount` entry, spelling kept. */
  chatForIdNotFound: (id: string | number): ApiError =>
    new ApiError(404, [entry('not_fount', `Chat for ID "${id}" was not found`)]),

  /** 404 for any other unknown entity, or an unknown route. */
  notFound: (entity: Entity): ApiError =>
    new ApiError(404, [INVALID_REQUEST, entry('not_found', `${entity} not found`)]),

  /** 400: one entry per problem, each coded with the path of its field. */
  validation: (problems: readonly FieldProblem[]): ApiError =>
    new ApiError(400, [
      INVALID_REQUEST,
      ...problems.map((p) => ({ code: p.field, message: p.message })),
    ]),

  /** 400: a request the chat's state forbids (rating an open chat, say). */
  refused: (message: RefusalMessage): ApiError =>
    new ApiError(400, [{ code: 'invalid_request', message }]),

  /** 400: a customer `userId` that another customer of the organization already has. */
  duplicateUserId: (): ApiError =>
    new ApiError(400, [
      INVALID_REQUEST,
      entry('invalid_userId_value', 'A customer with this userId already exists'),
    ]),

  /** 400: a body that is not JSON. */
  malformedJson: (): ApiError =>
    Errors.validation([{ field: 'body', message: 'This value should be valid JSON.' }]),

  /** 400: a request the HTTP layer could not take (bad framing, bad headers). */
  badRequest: (): ApiError => new ApiError(400, [INVALID_REQUEST]),

  /** 413: a body over the size limit. */
  requestTooLarge: (limitBytes: number): ApiError =>
    new ApiError(413, [
      INVALID_REQUEST,
      entry('request_too_large', `The request body is larger than ${limitBytes} bytes`),
    ]),
}
