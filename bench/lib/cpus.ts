import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'

/**
 * Where the bench puts its processes: the server under test on CPU 0, wrk on CPU 1 (with
 * `taskset`, on Linux with two or more cores). Left to the scheduler, the server's garbage
 * collector threads and wrk fight over both cores, and the figures swing with whoever wins; pinned,
 * each side has one core, the way a server and its clients sit on different machines.
 */
/** Prefixes a command to run it on a given core (or returns it as is). */
export type Place = (command: string, args: readonly string[]) => [string, string[]]

export interface Placement {
  readonly server: Place
  readonly load: Place
  readonly description: string
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function placement(): Placement {
  if (cpus().length >= 2 && hasTaskset()) {
    const on =
      (cpu: number) =>
      (command: string, args: readonly string[]): [string, string[]] => [
        'taskset',
        ['-c', String(cpu), command, ...args],
      ]
    return { server: on(0), load: on(1), description: 'server pinned to CPU 0, wrk to CPU 1' }
  }
  const asIs = (command: string, args: readonly string[]): [string, string[]] => [
    command,
    [...args],
  ]
  return {
    server: asIs,
    load: asIs,
    description: 'processes not pinned (no taskset, or one core): expect noisier figures',
  }
}
