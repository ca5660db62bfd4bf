import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach } from 'vitest'

// The command line as a person runs it: `node bin/opencrunch.js ...` in a fresh directory, so the
// default ./data/opencrunch.db lands there. Needs dist/ (npm test builds it first).

const BIN = fileURLToPath(new URL('../../bin/opencrunch.js', import.meta.url))
const WAIT_MS = 20_000
/** Settings a test must not inherit from the shell that runs it. */
const SETTINGS = [
  'DATABASE_URL',
  'PORT',
  'HOST',
  'RATE_LIMIT',
  'LOG_LEVEL',
  'REDIS_URL',
  'REDIS_PREFIX',
  'WORKERS',
  'HELPCRUNCH_API_KEY',
  'HELPCRUNCH_BASE_URL',
]

/** Each command is a Node process start; a busy CI machine may take seconds per test. */
export const SLOW = { timeout: 120_000 }

/** A running `opencrunch` process and what it has printed so far. */
export interface Child {
  readonly proc: ChildProcess
  stdout: string
  stderr: string
  closed: boolean
  readonly exit: Promise<number | null>
}

/** A small world for command-line tests: acme with Sarah, Alice and chat 5208. */
export const CLI_WORLD = {
  organizations: [
    {
      domain: 'acme',
      apiKeys: ['acme-test-key-1'],
      applications: [{ name: 'Website', type: 'widget' }],
      agents: [{ name: 'Sarah', email: 'sarah@acme.test', role: 'admin' }],
      departments: [{ name: 'Support', agents: ['sarah@acme.test'] }],
      customers: [{ id: 100, name: 'Alice', email: 'alice@example.com', userId: 'alice-1' }],
      chats: [
        {
          id: 5208,
          customer: 'alice-1',
          assignee: 'sarah@acme.test',
          messages: [
            { from: 'customer', text: 'Where is my order?', createdAt: 1795290000 },
            { from: 'agent', agent: 'sarah@acme.test', text: 'On its way!' },
          ],
        },
      ],
    },
  ],
}

/** Rejects when `promise` takes longer than the command-line tests' wait. */
export function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), WAIT_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Resolves with the first match of `pattern` in what the child printed (stdout unless told). */
export function waitFor(
  child: Child,
  pattern: RegExp,
  stream: 'stdout' | 'stderr' = 'stdout',
): Promise<RegExpExecArray> {
  return within(
    new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(child[stream])
        if (match) resolve(match)
        else if (child.closed) reject(new Error(`exited:\n${child.stdout}${child.stderr}`))
      }
      child.proc[stream]!.on('data', check)
      child.proc.on('close', check)
      check()
    }),
    `${pattern} in ${child.proc.spawnargs.join(' ')}\n${child.stdout}${child.stderr}`,
  )
}

/**
 * Starts `opencrunch ...args` in `cwd`, with the shell's environment minus the server settings,
 * plus `env`. The caller kills it.
 */
export function spawnCli(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Child {
  return spawnCommand(process.execPath, [BIN, ...args], cwd, env)
}

/**
 * Starts `command ...args` as `spawnCli` starts opencrunch. `detached`: in a process group of its
 * own, so that the caller can kill whatever it started, and whatever that started.
 */
export function spawnCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
  detached = false,
): Child {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !SETTINGS.includes(name)),
  )
  const proc = spawn(command, args, {
    cwd,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  })
  let exited!: (code: number | null) => void
  const child: Child = {
    proc,
    stdout: '',
    stderr: '',
    closed: false,
    exit: new Promise((resolve) => (exited = resolve)),
  }
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (child.stdout += chunk))
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (child.stderr += chunk))
  proc.on('close', (code) => {
    child.closed = true
    exited(code)
  })
  return child
}

/** The base URL (`http://HOST:PORT`) a `serve` child prints once it listens. */
export async function listeningUrl(child: Child): Promise<string> {
  return (await waitFor(child, /listening on (http:\/\/\S+)\/v1/))[1]!
}

/**
 * A fresh working directory per test, and the processes started in it, all killed and removed
 * after the test whatever happened. Call once at the top of a test file.
 */
export function useCliSandbox() {
  let dir = ''
  const children = new Set<Child>()
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'opencrunch-cli-'))
  })
  afterEach(async () => {
    for (const child of children) {
      child.proc.kill('SIGKILL')
      await child.exit
    }
    children.clear()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Starts `opencrunch ...args` in the test's directory, with only `env`'s settings. */
  function start(args: readonly string[], env: Record<string, string> = {}): Child {
    const child = spawnCli(args, dir, env)
    children.add(child)
    void child.exit.then(() => children.delete(child))
    return child
  }

  return {
    /** A path inside the test's directory. */
    path: (name: string) => join(dir, name),
    start,
    /** Runs a command to its end. */
    run: async (args: readonly string[], env: Record<string, string> = {}) => {
      const child = start(args, env)
      const code = await within(child.exit, `opencrunch ${args.join(' ')}\n${child.stderr}`)
      return { code, stdout: child.stdout, stderr: child.stderr }
    },
    /** Starts `serve` and resolves with its base URL once it listens. */
    serve: async (args: readonly string[], env: Record<string, string> = {}) => {
      const child = start(['serve', ...args], env)
      return { child, url: await listeningUrl(child) }
    },
    /** Writes `value` as a JSON file in the test's directory; returns its path. */
    writeJson: (name: string, value: unknown): string => {
      const file = join(dir, name)
      writeFileSync(file, JSON.stringify(value, null, 2))
      return file
    },
  }
}
