/** Conversions from stored values to HelpCrunch wire values, shared by every presenter. */

/** Whole UNIX seconds as the wire's string (`"1603885746"`), or `null`. */
export function timestamp(seconds: number | null): string | null {
  return seconds === null ? null : String(seconds)
}

/** A stored 0/1 (or an engine's boolean) as a boolean. */
export function flag(value: unknown): boolean {
  return value === 1 || value === true || value === '1'
}

/**
 * JSON text of a wire value of type `T`, built where it is cheapest (in SQL, say) and sent as is.
 * The brand keeps a chat's JSON from being sent where a customer's is expected.
 */
export type JsonText<T> = string & { readonly __wire: T }

/** The Content-Type of every answer. */
export const JSON_TYPE = 'application/json; charset=utf-8'

/** `{"data":[...],"meta":{"total":N}}` around items already JSON: chats, agents, departments. */
export function metaListJson(items: readonly string[], total: number): string {
  return `{"data":[${items.join(',')}],"meta":{"total":${total}}}`
}

/**
 * HelpCrunch answers "Ok" in the body of a few actions (deleting a customer, unsubscribing an
 * agent): sent as the JSON string `"Ok"`, so every client that parses JSON still can.
 */
export const OK_JSON = '"Ok"'
