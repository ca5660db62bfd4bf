import type { Application } from '../../../contract/index.js'
import { flag } from '../wire.js'
import type { ApplicationRow } from './applications.repository.js'

export function presentApplication(row: ApplicationRow): Application {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    type: row.type,
    active: flag(row.active),
  }
}
