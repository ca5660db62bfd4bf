import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { fileURLToPath } from 'node:url'
import { runNode } from './processes.js'

const BIN = fileURLToPath(new URL('../../bin/opencrunch.js', import.meta.url))
const DATA = fileURLToPath(new URL('../.data/', import.meta.url))

/** A seeded database the bench runs against, and the key of its organization. */
export interface Dataset {
  readonly chats: number
  /** The seeded database, kept between runs; every run works on a `workingCopy` of it. */
  readonly seeded: string
  readonly key: string
  /** Chat ids are `firstChat` to `firstChat + chats - 1`. */
  readonly firstChat: number
}

/**
 * A database with `chats` chats of `messagesPerChat` messages in organization "bench", seeded
 * through `opencrunch orgs create`, `keys create` and `seed` (the project's own code), and kept
 * in bench/.data/ so later runs reuse it, and brought up to this build's schema.
 */
export async function dataset(
  chats: number,
  messagesPerChat: number,
  fresh: boolean,
): Promise<Dataset> {
  mkdirSync(DATA, { recursive: true })
  const seeded = `${DATA}chats-${chats}-m${messagesPerChat}.db`
  const keyFile = `${seeded}.key`
  if (fresh || !existsSync(seeded) || !existsSync(keyFile)) {
    for (const suffix of ['', '-wal', '-shm', '.key']) rmSync(seeded + suffix, { force: true })
    process.stderr.write(`Seeding ${chats} chats of ${messagesPerChat} messages into ${seeded}\n`)
    await runNode([BIN, 'orgs', 'create', 'bench', '--database', seeded])
    const key = (
      await runNode([BIN, 'keys', 'create', '--org', 'bench', '--database', seeded])
    ).trim()
    await runNode([
      BIN,
      'seed',
      '--org',
      'bench',
      '--chats',
      String(chats),
      '--messages-per-chat',
      String(messagesPerChat),
      '--database',
      seeded,
    ])
    writeFileSync(keyFile, key)
  }
  // A dataset seeded by an older build: bring it up to this schema once, not on every copy.
  await runNode([BIN, 'migrate', '--database', seeded])
  return { chats, seeded, key: readFileSync(keyFile, 'utf8').trim(), firstChat: 1 }
}

/** A fresh copy of a dataset's database for one server to run on; its path. */
export function workingCopy(data: Dataset): string {
  const working = `${DATA}run.db`
  for (const suffix of ['', '-wal', '-shm']) rmSync(working + suffix, { force: true })
  copyFileSync(data.seeded, working)
  // On disk before the server starts: else the checkpoint thread's first sync of the file writes
  // out the whole copy (a gigabyte at a million chats) while the load is running.
  const copy = openSync(working, 'r+')
  try {
    fsyncSync(copy)
  } finally {
    closeSync(copy)
  }
  return working
}
