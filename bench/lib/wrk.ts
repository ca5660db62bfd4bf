import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPORT = fileURLToPath(new URL('../wrk/report.lua', import.meta.url))

/** What one wrk run measured. */
export interface LoadResult {
  readonly requests: number
  readonly durationUs: number
  readonly errors: Record<'connect' | 'read' | 'write' | 'status' | 'timeout', number>
  readonly latencyUs: Record<'p50' | 'p90' | 'p99' | 'max' | 'mean', number>
}

export function requestsPerSecond(result: LoadResult): number {
  return result.requests / (result.durationUs / 1e6)
}

export function failures(result: LoadResult): number {
  return Object.values(result.errors).reduce((sum, n) => sum + n, 0)
}

/** wrk's version line, or null when wrk is not installed. */
export function wrkVersion(): string | null {
  try {
    return execFileSync('wrk', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim()
  } catch (error) {
    // wrk prints its version and usage, then exits 1.
    const out = (error as { stdout?: string }).stdout
    return out ? out.split('\n')[0]!.trim() : null
  }
}

export interface LoadOptions {
  /** How to launch wrk: as is, or on a given core. */
  readonly place?: (command: string, args: readonly string[]) => [string, string[]]
  readonly url: string
  readonly script: string
  readonly args: readonly string[]
  readonly seconds: number
  readonly connections: number
}

/** Drives `url` with wrk (one thread) for `seconds`; resolves with what wrk measured. */
export function runWrk(options: LoadOptions): Promise<LoadResult> {
  const script = fileURLToPath(new URL(`../wrk/${options.script}`, import.meta.url))
  const argv = [
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '5s',
    '-s',
    script,
    options.url,
    '--',
    ...options.args,
  ]
  return new Promise((resolve, reject) => {
    const [command, args] = (options.place ?? ((c, a) => [c, [...a]]))('wrk', argv)
    const proc = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENCRUNCH_WRK_REPORT: REPORT },
    })
    let output = ''
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    proc.on('exit', (code) => {
      const line = /^BENCH_RESULT (.+)$/m.exec(output)
      if (code !== 0 || !line) reject(new Error(`wrk ${argv.join(' ')} failed:\n${output}`))
      else resolve(JSON.parse(line[1]!) as LoadResult)
    })
  })
}
