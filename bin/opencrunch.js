#!/usr/bin/env node
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
