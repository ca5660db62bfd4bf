/**
 * Settings: the only reader of `process.env`. Each setting comes from its command-line flag, else
 * its environment variable, else its default; it is validated once, and a bad value stops the
 * command with a message that says what to pass instead.
 */

import { HELPCRUNCH_BASE_URL } from '../client/http.js'
import { redact } from './storage/url.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Everything `opencrunch serve` needs, validated and frozen. */
export interface ServerConfig {
  /** TCP port to listen on (`--port`, `PORT`; default 8080; 0 picks a free one). */
  readonly port: number
  /** Address to listen on (`--host`, `HOST`; default 127.0.0.1, loopback only). */
  readonly host: string
  /** SQLite file path or `:memory:` (`--database`, `DATABASE_URL`; default ./data/opencrunch.db). */
  readonly databaseUrl: string
  /** Requests a minute per API key; 0 turns limiting off (`--rate-limit`, `RATE_LIMIT`; 120). */
  readonly rateLimit: number
  /** Log level (`--log-level`, `LOG_LEVEL`; default info). */
  readonly logLevel: LogLevel
  /** Redis for state several processes share (`--redis`, `REDIS_URL`); none by default. */
  readonly redisUrl: string | null
  /** Prefix of every Redis key (`--redis-prefix`, `REDIS_PREFIX`; default `opencrunch:`). */
  readonly redisPrefix: string
  /** Server processes (`--workers`, `WORKERS`; default 1). */
  readonly workers: number
}

/** Raw values as the command line hands them over; `undefined` means "not given". */
export interface ServerFlags {
  readonly port?: string | number
  readonly host?: string
  readonly database?: string
  readonly rateLimit?: string | number
  readonly logLevel?: string
  readonly redis?: string
  readonly redisPrefix?: string
  readonly workers?: string | number
}

export const DEFAULT_DATABASE = './data/opencrunch.db'

/** A setting with a bad value; the message names the setting and what would be accepted. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

type Env = Readonly<Record<string, string | undefined>>

/** Reads and validates the server's settings. */
export function loadServerConfig(flags: ServerFlags = {}, env: Env = process.env): ServerConfig {
  return Object.freeze({
    port: integer('--port / PORT', flags.port ?? env.PORT, 8080, 0, 65535),
    host: nonEmpty('--host / HOST', flags.host ?? env.HOST, '127.0.0.1'),
    databaseUrl: resolveDatabaseUrl(flags.database, env),
    rateLimit: integer('--rate-limit / RATE_LIMIT', flags.rateLimit ?? env.RATE_LIMIT, 120, 0),
    logLevel: oneOf('--log-level / LOG_LEVEL', flags.logLevel ?? env.LOG_LEVEL, LOG_LEVELS, 'info'),
    redisUrl: redisUrl(flags.redis ?? env.REDIS_URL),
    redisPrefix: nonEmpty(
      '--redis-prefix / REDIS_PREFIX',
      flags.redisPrefix ?? env.REDIS_PREFIX,
      'opencrunch:',
    ),
    workers: integer('--workers / WORKERS', flags.workers ?? env.WORKERS, 1, 1, 256),
  })
}

/** The database every command uses: `--database`, else `DATABASE_URL`, else the default file. */
export function resolveDatabaseUrl(flag: string | undefined, env: Env = process.env): string {
  return nonEmpty('--database / DATABASE_URL', flag ?? env.DATABASE_URL, DEFAULT_DATABASE)
}

/** How the people's command line (`opencrunch chats ...`) reaches an API. */
export interface ApiConfig {
  /** `--api-key`, else `HELPCRUNCH_API_KEY`; required. */
  readonly apiKey: string
  /** `--base-url`, else `HELPCRUNCH_BASE_URL`, else HelpCrunch's own. */
  readonly baseUrl: string
}

export function loadApiConfig(
  flags: { readonly apiKey?: string; readonly baseUrl?: string },
  env: Env = process.env,
): ApiConfig {
  const apiKey = (flags.apiKey ?? env.HELPCRUNCH_API_KEY ?? '').trim()
  if (apiKey === '') {
    throw new ConfigError(
      'No API key: set HELPCRUNCH_API_KEY or pass --api-key. HelpCrunch shows keys under ' +
        'Settings -> Developers -> REST API; an opencrunch server prints one with ' +
        '"opencrunch keys create --org DOMAIN".',
    )
  }
  const baseUrl = nonEmpty(
    '--base-url / HELPCRUNCH_BASE_URL',
    flags.baseUrl ?? env.HELPCRUNCH_BASE_URL,
    HELPCRUNCH_BASE_URL,
  )
  if (!/^https?:\/\/\S+$/.test(baseUrl)) {
    throw new ConfigError(
      `--base-url / HELPCRUNCH_BASE_URL must be an http(s) URL such as ` +
        `http://127.0.0.1:8080/v1; got "${baseUrl}".`,
    )
  }
  return Object.freeze({ apiKey, baseUrl })
}

function redisUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null
  const value = raw.trim()
  if (!/^rediss?:\/\//.test(value)) {
    throw new ConfigError(
      `--redis / REDIS_URL must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379; got "${redact(raw)}".`,
    )
  }
  return value
}

function integer(
  name: string,
  raw: string | number | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined || raw === '') return fallback
  const value = typeof raw === 'number' ? raw : /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`)
  }
  return value
}

function nonEmpty(name: string, raw: string | undefined, fallback: string): string {
  if (raw === undefined) return fallback
  if (raw.trim() === '') throw new ConfigError(`${name} must not be empty.`)
  return raw.trim()
}

function oneOf<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (raw === undefined || raw === '') return fallback
  const value = raw.trim().toLowerCase()
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}; got "${raw}".`)
  }
  return value as T
}
