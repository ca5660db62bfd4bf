import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { acmeFixture } from './helpers/fixtures.js'
import { describeRace } from './helpers/race.js'
import { startServer } from './helpers/server.js'

describeRace('read state under 240 concurrent requests on one chat', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opencrunch-race-'))
  const server = await startServer({ fixture: acmeFixture(), database: join(dir, 'race.db') })
  return {
    request: (_index, method, path, body) =>
      server.request(method, path, body === undefined ? {} : { body }),
    close: async () => {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})
