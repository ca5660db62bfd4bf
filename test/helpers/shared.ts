import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The project's source documents, which live outside the repository: `../shared` beside the
 * clone (as on CI), or wherever OPENCRUNCH_SHARED_DIR says. The tests that read them (the seed
 * article, the real-client traces) are skipped where they are absent, and the run says so.
 */
export const SHARED_DIR = resolve(
  process.env.OPENCRUNCH_SHARED_DIR ?? fileURLToPath(new URL('../../../shared/', import.meta.url)),
)

const TRACE_FILE = join(SHARED_DIR, 'real-client-traces', 'real-client-requests.jsonl')
const SEEDS = join(SHARED_DIR, 'seeds')

/** Whether the shared documents are there to test against. */
export const HAS_SHARED = existsSync(TRACE_FILE) && existsSync(SEEDS)

/** One request a real public HelpCrunch client sent (key and host replaced by placeholders). */
export interface Trace {
  client: string
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}

/** Every traced request, in file order; none without the shared documents. */
export function readTraces(): Trace[] {
  if (!HAS_SHARED) return []
  return readFileSync(TRACE_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Trace)
}

/** The text of each copy of the seed article; none without the shared documents. */
export function readSeedArticles(): string[] {
  if (!HAS_SHARED) return []
  return readdirSync(SEEDS).map((name) => readFileSync(join(SEEDS, name), 'utf8'))
}
