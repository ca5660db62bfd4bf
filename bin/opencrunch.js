#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4: V8's young generation grows to 16 MB semi-spaces by default, which a
// server answering small JSON never needs; capped at 4 MB, a loaded server holds about 30 MB less
// memory at the same throughput (measured by `npm run bench`). `npm start` passes the same flag.
// The `opencrunch` command. The TypeScript sources are compiled to dist/ by `npm run build`,
// which `npm ci` and `npm install` run for you (the `prepare` script).
import { existsSync } from 'node:fs'

const entry = new URL('../dist/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('opencrunch is not built yet: run "npm run build" (npm ci does it too).\n')
  process.exit(1)
}
const { main } = await import(entry.href)
await main(process.argv)
