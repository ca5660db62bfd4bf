/**
 * The snoozes still running, for the sweep that ends them: a partial index holds only the few
 * chats with a `snoozed_until`, so finding the due ones stays cheap among a million chats.
 */
export function snoozeIndex(): string {
  return `
CREATE INDEX chats_snoozed_until ON chats (snoozed_until) WHERE snoozed_until IS NOT NULL;
`
}
