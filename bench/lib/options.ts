import { parseArgs } from 'node:util'
import { CommandError } from '../../src/server/commands/command-error.js'
import { wholeNumber } from '../../src/server/commands/whole-number.js'

export interface BenchOptions {
  /** Chat counts to seed and measure, smallest first, each once. */
  readonly sizes: readonly number[]
  readonly seconds: number
  readonly warmup: number
  readonly connections: number
  readonly messagesPerChat: number
  readonly fresh: boolean
  readonly strict: boolean
}

export const BENCH_USAGE =
  'Usage: npm run bench -- [--sizes 1000,100000,1000000] [--seconds 10] [--warmup 3] ' +
  '[--connections 10] [--messages-per-chat 4] [--fresh] [--strict]'

/**
 * The bench's options from its command line. A wrong one is a `CommandError` that names it and
 * shows the usage, before anything is seeded or started.
 */
export function benchOptions(args: readonly string[]): BenchOptions {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...args],
      options: {
        sizes: { type: 'string', default: '1000,100000,1000000' },
        seconds: { type: 'string', default: '10' },
        warmup: { type: 'string', default: '3' },
        connections: { type: 'string', default: '10' },
        'messages-per-chat': { type: 'string', default: '4' },
        fresh: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
      },
    }))
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${BENCH_USAGE}`)
  }
  const given = (name: string, raw: string, min: number) => {
    try {
      return wholeNumber(name, raw.trim(), min)!
    } catch (error) {
      throw new CommandError(`${(error as Error).message}\n${BENCH_USAGE}`)
    }
  }
  const sizes = values.sizes.split(',').map((raw) => given('each of --sizes', raw, 1))
  return {
    // The smallest size is the one every ratio of scale is taken against, and the one the naive
    // server and the second mark-read run use: first, whatever order they were given in.
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    seconds: given('--seconds', values.seconds, 1),
    warmup: given('--warmup', values.warmup, 0),
    connections: given('--connections', values.connections, 1),
    messagesPerChat: given('--messages-per-chat', values['messages-per-chat'], 1),
    fresh: values.fresh,
    strict: values.strict,
  }
}
