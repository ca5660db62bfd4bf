import { CommandError } from './command-error.js'

/**
 * A whole number given on the command line: `raw` as a whole number (of at least `min`, when
 * given), or undefined when the option was not given. Anything else is a `CommandError` naming
 * the option and what it got. The one check of every command's counts and ids, the API
 * commands' and the bench's included.
 */
export function wholeNumber(name: string, raw: string, min?: number): number
export function wholeNumber(name: string, raw: string | undefined, min?: number): number | undefined
export function wholeNumber(
  name: string,
  raw: string | undefined,
  min?: number,
): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < (min ?? 0) || !Number.isSafeInteger(Number(raw))) {
    const atLeast = min === undefined ? '' : ` of at least ${min}`
    throw new CommandError(`${name} must be a whole number${atLeast}; got "${raw}".`)
  }
  return Number(raw)
}
