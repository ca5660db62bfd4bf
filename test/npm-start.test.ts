import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { ON_SQLITE } from './helpers/engines.js'
import { listeningUrl, SLOW, spawnCommand, waitFor, within, type Child } from './helpers/cli.js'

// The README's first command, as a CI script or a process manager runs it: `npm start` in the
// background, then a SIGTERM to the process it started, which is npm's. Needs dist/ (npm test
// builds it first); --ignore-scripts skips the prestart build, not the start script.
const ROOT = fileURLToPath(new URL('..', import.meta.url))

// The command is the same whatever engine the suite runs on: once is enough.
describe.runIf(ON_SQLITE)('npm start', () => {
  let dir = ''
  let npm: Child | undefined
  afterEach(async () => {
    // The whole process group: a server npm left behind is killed too, not left holding its port.
    if (npm && !npm.closed) process.kill(-npm.proc.pid!, 'SIGKILL')
    await npm?.exit
    rmSync(dir, { recursive: true, force: true })
  })

  it('stops the server, not only npm, when npm is sent SIGTERM', SLOW, async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencrunch-npm-start-'))
    npm = spawnCommand(
      'npm',
      ['start', '--ignore-scripts', '--silent'],
      ROOT,
      { DATABASE_URL: join(dir, 'demo.db'), PORT: '0' },
      true,
    )
    const url = await listeningUrl(npm)
    await waitFor(npm, /^API key: oc_\S+$/m)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)

    npm.proc.kill('SIGTERM')
    // The server's own goodbye, after it finished what was in flight; then npm's pipes close,
    // which they do not while a server npm started still holds them.
    await waitFor(npm, /^Stopped\.$/m)
    await within(npm.exit, 'npm to exit after the server stopped')
    await expect(fetch(`${url}/healthz`)).rejects.toThrow()
  })
})
