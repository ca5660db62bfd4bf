import { CommandError } from './command-error.js'

/**
 * A command-line count: `raw` as a whole number of at least `min`, or undefined when the option
 * was not given. Anything else is a `CommandError` naming the option and what it got.
 */
export function wholeNumber(
  name: string,
  raw: string | undefined,
  min: number,
): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new CommandError(`${name} must be a whole number of at least ${min}; got "${raw}".`)
  }
  return Number(raw)
}
