import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BENCH_USAGE, benchOptions } from '../bench/lib/options.js'
import { CommandError } from '../src/server/commands/command-error.js'
import { ON_SQLITE } from './helpers/engines.js'
import { SLOW } from './helpers/cli.js'

const RUN = fileURLToPath(new URL('../bench/run.ts', import.meta.url))
const DATA = fileURLToPath(new URL('../bench/.data/', import.meta.url))

/** The bench's data files, or none where it never ran. */
function dataFiles(): string[] {
  try {
    return readdirSync(DATA).sort()
  } catch {
    return []
  }
}

function refusal(args: string[]): CommandError {
  try {
    benchOptions(args)
  } catch (error) {
    if (error instanceof CommandError) return error
    throw error
  }
  throw new Error(`benchOptions accepted ${args.join(' ')}`)
}

// The bench's own command line, the same whatever engine the suite runs on: once is enough.
describe.runIf(ON_SQLITE)('npm run bench reads its options before it seeds anything', () => {
  it('runs the three sizes the README gives, 10 s after 3 s of warm-up, by default', () => {
    expect(benchOptions([])).toEqual({
      sizes: [1000, 100_000, 1_000_000],
      seconds: 10,
      warmup: 3,
      connections: 10,
      messagesPerChat: 4,
      fresh: false,
      strict: false,
      help: false,
    })
    expect(BENCH_USAGE).toBe(
      'Usage: npm run bench -- [--sizes 1000,100000,1000000] [--seconds 10] [--warmup 3] ' +
        '[--connections 10] [--messages-per-chat 4] [--fresh] [--strict] [--help]',
    )
  })

  it('measures each size once, smallest first, whatever order they are given in', () => {
    const options = benchOptions(['--sizes', '100000, 1000,100000', '--warmup', '0', '--strict'])
    expect(options.sizes).toEqual([1000, 100_000])
    expect(options.warmup).toBe(0)
    expect(options.strict).toBe(true)
  })

  it.each([
    [['--sizes', 'abc'], 'each of --sizes must be a whole number of at least 1; got "abc".'],
    [['--sizes', '1000,,5'], 'each of --sizes must be a whole number of at least 1; got "".'],
    [['--sizes', '0'], 'each of --sizes must be a whole number of at least 1; got "0".'],
    [['--seconds', '0'], '--seconds must be a whole number of at least 1; got "0".'],
    [['--seconds', '1.5'], '--seconds must be a whole number of at least 1; got "1.5".'],
    [['--connections', 'ten'], '--connections must be a whole number of at least 1; got "ten".'],
    [['--messages-per-chat=0'], '--messages-per-chat must be a whole number of at least 1'],
    [['--warmup=-1'], '--warmup must be a whole number of at least 0; got "-1".'],
    [['--size', '1000'], "Unknown option '--size'"],
    [['1000'], "Unexpected argument '1000'"],
  ])('refuses %j, naming what is wrong and showing the usage', (args, message) => {
    const error = refusal(args)
    expect(error.message).toContain(message)
    expect(error.message).toContain(BENCH_USAGE)
  })

  it('prints the usage and exits 0 on --help', SLOW, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', RUN, '--help'], {
      encoding: 'utf8',
    })
    expect(run.stdout).toBe(`${BENCH_USAGE}\n`)
    expect(run.status).toBe(0)
  })

  it('exits 2 on a wrong option, saying why, and seeds nothing', SLOW, () => {
    const before = dataFiles()
    const run = spawnSync(process.execPath, ['--import', 'tsx', RUN, '--sizes', '1000,x'], {
      encoding: 'utf8',
    })
    expect(run.stderr).toContain('each of --sizes must be a whole number of at least 1; got "x".')
    expect(run.stderr).not.toContain('    at ')
    expect(run.status).toBe(2)
    expect(dataFiles()).toEqual(before)
  })
})
