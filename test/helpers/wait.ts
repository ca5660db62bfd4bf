/** Polls `check` every `everyMs` (50) until it holds; throws after `ms` (10 s unless given). */
export async function eventually(
  check: () => Promise<boolean>,
  ms = 10_000,
  everyMs = 50,
): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`still not true after ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
