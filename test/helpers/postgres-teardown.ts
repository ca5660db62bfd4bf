import { dropRunSchemas } from './engines.js'

/** vitest globalSetup of the PostgreSQL run: when it ends, drop what its tests left behind. */
export default function setup(): () => Promise<void> {
  return dropRunSchemas
}
