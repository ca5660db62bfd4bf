import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

/**
 * The Node flags the `opencrunch` command runs with (its shebang line: `#!/usr/bin/env -S node
 * FLAGS`), so the bench starts the server exactly as a user's shell does.
 */
export function binNodeFlags(bin: string): string[] {
  const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0]!
  const match = /^#!\/usr\/bin\/env\s+(?:-S\s+)?node((?:\s+-\S+)*)\s*$/.exec(shebang)
  if (!match) throw new Error(`${bin} does not start with a "#!/usr/bin/env node" line`)
  return match[1]!.trim().split(/\s+/).filter(Boolean)
}

/** A process the bench started and reads from. */
export interface Started {
  readonly proc: ChildProcess
  readonly url: string
  output: string
}

/**
 * Starts `node ...args` and resolves once it prints `listening on http://host:port`, with that
 * base URL. Rejects if it exits first or takes over `timeoutMs`.
 */
export function startListening(
  args: readonly string[],
  place: (command: string, args: readonly string[]) => [string, string[]] = (c, a) => [c, [...a]],
  timeoutMs = 60_000,
): Promise<Started> {
  const [command, argv] = place(process.execPath, args)
  const proc = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs / 1000} s`), timeoutMs)
    const fail = (why: string) => {
      clearTimeout(timer)
      proc.kill('SIGKILL')
      reject(new Error(`node ${args.join(' ')} ${why}:\n${output}`))
    }
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ proc, url: match[1]!, output })
      }
    }
    proc.stdout.on('data', read)
    proc.stderr.on('data', read)
    proc.on('exit', (code) => fail(`exited with ${code}`))
  })
}

/** Stops a started process with SIGTERM; resolves with its exit code. */
export function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.proc.removeAllListeners('exit')
    if (started.proc.exitCode !== null) return resolve(started.proc.exitCode)
    started.proc.once('exit', (code) => resolve(code))
    started.proc.kill('SIGTERM')
  })
}

/**
 * CPU time (user and system) a process has used so far, in seconds (Linux); with `thread`, that of
 * one of its threads (a process's main thread has the process's id).
 */
export function cpuSeconds(pid: number, thread?: number): number | null {
  const stat = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`
  try {
    const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ')
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return null
  }
}

/** Linux reports CPU time in clock ticks of 1/100 s on every common platform. */
const TICKS_PER_SECOND = 100

/** The highest resident set size a process has had so far, in bytes (Linux: VmHWM). */
export function peakRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status)
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

/** Runs `node ...args` to its end, passing its stderr through (progress); resolves with stdout. */
export function runNode(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    proc.on('exit', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`node ${args.join(' ')} exited with ${code}`)),
    )
  })
}
