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
  /** `--help`: print the usage and stop. */
  readonly help: boolean
}

const OPTIONS = {
  sizes: { type: 'string', default: '1000,100000,1000000' },
  seconds: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '3' },
  connections: { type: 'string', default: '10' },
  'messages-per-chat': { type: 'string', default: '4' },
  fresh: { type: 'boolean', default: false },
  strict: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const

/** The bench's command line, with each option's default. */
export const BENCH_USAGE = `Usage: npm run bench -- ${Object.entries(OPTIONS)
  .map(([name, option]) =>
    option.type === 'string' ? `[--${name} ${option.default}]` : `[--${name}]`,
  )
  .join(' ')}`

/**
 * The bench's options from its command line. A wrong one is a `CommandError` that names it and
 * shows the usage, before anything is seeded or started.
 */
export function benchOptions(args: readonly string[]): BenchOptions {
  try {
    return read(args)
  } catch (error) {
    const wrongOption =
      error instanceof CommandError ||
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
    if (!wrongOption) throw error
    throw new CommandError(`${(error as Error).message}\n${BENCH_USAGE}`)
  }
}

function read(args: readonly string[]): BenchOptions {
  const { values } = parseArgs({ args: [...args], options: OPTIONS })
  const count = (name: string, raw: string, min: number) => wholeNumber(name, raw.trim(), min)
  const sizes = values.sizes.split(',').map((raw) => count('each of --sizes', raw, 1))
  return {
    // The smallest size is the one every ratio of scale is taken against, and the one the naive
    // server and the second mark-read run use: first, whatever order they were given in.
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    seconds: count('--seconds', values.seconds, 1),
    warmup: count('--warmup', values.warmup, 0),
    connections: count('--connections', values.connections, 1),
    messagesPerChat: count('--messages-per-chat', values['messages-per-chat'], 1),
    fresh: values.fresh,
    strict: values.strict,
    help: values.help,
  }
}
