// An experiment, not part of `npm run bench`: what a different storage layout and a different
// durable write would buy mark-read, measured without opencrunch's HTTP layer (bare node:http,
// lib/bare-mark-read.mjs, as the floor has), on a copy of a bench database. docs/performance.md, "The layout round", has
// the figures and how they were taken. Each writing mode answers PUT /v1/chats/readByAgent with the
// same JSON opencrunch does, and the read mode with the same chat, its flags as rendered
// (test/layout-experiment.test.ts compares them).
//
//   node bench/layout-server.mjs prepare DB   adds chat_answers to DB: each chat's JSON rendered
//                                             once, split around its two read flags
//   node bench/layout-server.mjs sqlite DB    the mark through SqliteDb's group commit, as today;
//                                             the answer from the chat's rendered row
//   node bench/layout-server.mjs log DB       read state in memory; each turn's marks appended to
//                                             a log file before they are answered (durable against
//                                             a kill), then applied to SQLite by a worker thread in
//                                             batches (LAYOUT_BATCH_MS, 200 unless set, from a
//                                             batch's first mark), sorted, a chat's marks merged;
//                                             the answer from the chat's rendered row
//   node bench/layout-server.mjs memory DB    as log, with every rendered row held in memory
//   node bench/layout-server.mjs read DB      nothing written: the chat's rendered row alone
//
// Left out, so that what is measured is a bound: the log is never replayed nor cut short, the
// answers are never re-rendered (nothing else writes), and the sqlite mode writes every mark,
// whether or not it changes the chat. The worker thread loads this whole module: about 45 MB of
// RSS (the log mode's 160-162 MB on 1,000 chats against the read mode's 113-116).
import { openSync, writeSync } from 'node:fs'
import { setImmediate, setTimeout } from 'node:timers'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { chatJson } from '../dist/server/features/chats/chat-json.js'
import { SqliteDb } from '../dist/server/storage/sqlite.js'
import { serveMarkRead } from './lib/bare-mark-read.mjs'

async function prepare(path) {
  const db = new SqliteDb({ path, checkpointEveryMs: 0 })
  const json = chatJson(db.dialect, 'c', 'r', 'read-article')
  await db.exec(`DROP TABLE IF EXISTS chat_answers;
    CREATE TABLE chat_answers (chat_id INTEGER PRIMARY KEY, pre TEXT NOT NULL, post TEXT NOT NULL);
    INSERT INTO chat_answers (chat_id, pre, post)
    SELECT id, substr(j, 1, instr(j, '"readByAgent"') - 1), substr(j, instr(j, ',"lastCommunicatedAgentId"'))
    FROM (SELECT c.id AS id, ${json} AS j FROM chats c JOIN chat_read_states r ON r.chat_id = c.id);
    PRAGMA wal_checkpoint(TRUNCATE);`)
  await db.close()
}

/** Each mode's marker: ({ raw connection, path, SqliteDb }) → (organization, chat, read) → JSON. */
const MARKS = {
  sqlite: sqliteMarks,
  log: (opened) => logMarks(opened, storedAnswers),
  memory: (opened) => logMarks(opened, answersInMemory),
  read: readOnly,
}

/** A chat's answer: its rendered row with the two read flags between its halves. */
const render = ({ pre, post }, agent, customer) =>
  `${pre}"readByAgent":${agent ? 'true' : 'false'},"readByCustomer":${customer ? 'true' : 'false'}${post}`

function serve(marks, path) {
  const db = new SqliteDb({ path })
  const raw = new Database(path)
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = NORMAL')
  const mark = marks({ raw, path, db })
  serveMarkRead(db, (organizationId, { id, read }) => mark(organizationId, id, read))
}

/** Today's write: one UPDATE through the group commit, returning the pre-rendered chat. */
function sqliteMarks({ db }) {
  const flag = (column, name) =>
    `'"${name}":' || CASE chat_read_states.${column} WHEN 1 THEN 'true' ELSE 'false' END`
  const sql = (read) =>
    `UPDATE chat_read_states SET read_by_agent = ${read ? 1 : 0}${
      read ? ', agent_read_message_id = last_message_id' : ''
    } WHERE chat_id = ? AND organization_id = ?
    RETURNING (SELECT a.pre || ${flag('read_by_agent', 'readByAgent')} || ',' ||
      ${flag('read_by_customer', 'readByCustomer')} || a.post
      FROM chat_answers a WHERE a.chat_id = chat_read_states.chat_id) AS chat`
  const statements = { true: sql(true), false: sql(false) }
  return async (organizationId, id, read) =>
    (await db.get(statements[read], [id, organizationId]))?.chat
}

/** No write: the rendered row alone, as read from SQLite, both flags rendered as true. */
function readOnly({ raw }) {
  const answers = storedAnswers(raw)
  return async (organizationId, id) => {
    const row = answers.get(id)
    return row && render(row, true, true)
  }
}

/** The rendered rows, read from SQLite as they are asked for. */
function storedAnswers(raw) {
  return raw.prepare('SELECT pre, post FROM chat_answers WHERE chat_id = ?')
}

/** The log's write: state in typed arrays, a record per mark, one write per turn. */
function logMarks({ raw, path }, answersFrom) {
  const size = raw.prepare('SELECT max(chat_id) + 1 AS size FROM chat_read_states').get().size
  const organization = new Int32Array(size)
  const lastMessage = new Float64Array(size)
  const agentFlag = new Uint8Array(size)
  const customerFlag = new Uint8Array(size)
  const states = raw.prepare(
    `SELECT chat_id, organization_id, last_message_id, read_by_agent, read_by_customer
     FROM chat_read_states`,
  )
  for (const [id, org, last, agent, customer] of states.raw().iterate()) {
    organization[id] = org
    lastMessage[id] = last ?? -1
    agentFlag[id] = agent
    customerFlag[id] = customer
  }
  const answers = answersFrom(raw, size)
  const log = openSync(`${path}.marks`, 'a')
  const worker = new Worker(new URL(import.meta.url), { workerData: { path } })
  let pending = []
  let waiting = []
  let scheduled = false
  let batch = []
  const batchMs = Number(process.env.LAYOUT_BATCH_MS ?? 200)
  const send = () => {
    worker.postMessage(batch)
    batch = []
  }
  const flush = () => {
    scheduled = false
    const records = Buffer.alloc(pending.length * 16)
    pending.forEach(([id, read, last], i) => {
      records.writeUInt32LE(id, i * 16)
      records.writeUInt32LE(read, i * 16 + 4)
      records.writeDoubleLE(last, i * 16 + 8)
    })
    writeSync(log, records)
    // A batch goes to the worker LAYOUT_BATCH_MS after its first mark.
    if (batch.length === 0) setTimeout(send, batchMs)
    batch.push(...pending)
    pending = []
    const done = waiting
    waiting = []
    for (const resolve of done) resolve()
  }
  return async (organizationId, id, read) => {
    if (!(id < size) || organization[id] !== organizationId) return undefined
    agentFlag[id] = read ? 1 : 0
    pending.push([id, read ? 1 : 0, lastMessage[id]])
    if (!scheduled) {
      scheduled = true
      setImmediate(flush)
    }
    await new Promise((resolve) => waiting.push(resolve))
    return render(answers.get(id), agentFlag[id] === 1, customerFlag[id] === 1)
  }
}

/** Every rendered row held in memory, with a `get` like `storedAnswers`'. */
function answersInMemory(raw, size) {
  const pre = new Array(size)
  const post = new Array(size)
  for (const [id, before, after] of raw.prepare('SELECT * FROM chat_answers').raw().iterate()) {
    pre[id] = before
    post[id] = after
  }
  return { get: (id) => ({ pre: pre[id], post: post[id] }) }
}

/** The worker: applies each batch of marks to SQLite in one transaction. */
function applier() {
  const raw = new Database(workerData.path)
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = NORMAL')
  const update = raw.prepare(
    `UPDATE chat_read_states SET read_by_agent = ?,
       agent_read_message_id = CASE WHEN ? = 1 THEN ? ELSE agent_read_message_id END
     WHERE chat_id = ?`,
  )
  // A chat's marks merged: the last one's flag, the last read: true's position; applied in the
  // table's order.
  const apply = raw.transaction((batch) => {
    const merged = new Map()
    for (const [id, read, message] of batch) {
      const [, , moved, position] = merged.get(id) ?? [id, read, 0, null]
      merged.set(id, read ? [id, 1, 1, message < 0 ? null : message] : [id, 0, moved, position])
    }
    const inOrder = [...merged.values()].sort((a, b) => a[0] - b[0])
    for (const [id, read, moved, position] of inOrder) update.run(read, moved, position, id)
  })
  parentPort.on('message', (batch) => apply(batch))
}

if (!isMainThread) applier()
else {
  const [mode, path] = process.argv.slice(2)
  if (mode === 'prepare') await prepare(path)
  else if (Object.hasOwn(MARKS, mode ?? '') && path) serve(MARKS[mode], path)
  else {
    process.stderr.write(
      `Usage: node ${process.argv[1]} prepare|${Object.keys(MARKS).join('|')} DB\n`,
    )
    process.exitCode = 2
  }
}
