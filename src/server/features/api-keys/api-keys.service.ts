import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Queryable } from '../../storage/db.js'
import { findActiveKeyByHash, insertApiKey } from './api-keys.repository.js'

/** Who a request acts for: the organization of its API key. */
export interface Principal {
  readonly organizationId: number
  readonly keyId: number
}

/** Prefix of generated keys, so a leaked key is recognizable in logs and scanners. */
export const KEY_PREFIX = 'oc_'

/** A new API key: the prefix and 40 characters from 30 random bytes (240 bits). */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(30).toString('base64url')
}

/**
 * How a key is stored: its SHA-256, hex. Keys are long random strings, so a fast hash is enough
 * (no password stretching needed); the key itself is never stored.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** The few leading characters shown by `keys list` so a person can tell keys apart. */
export function keyHint(key: string): string {
  return key.slice(0, Math.min(8, Math.max(1, key.length - 4)))
}

/** Stores a key for an organization; returns the key's id. */
export function storeApiKey(db: Queryable, organizationId: number, key: string, now: number) {
  return insertApiKey(db, {
    organizationId,
    keyHash: hashApiKey(key),
    keyHint: keyHint(key),
    createdAt: now,
  })
}

/**
 * Reads the key from an `Authorization` header: scheme `Bearer` in any case, the key optionally
 * wrapped in angle brackets (one real client sends `Bearer <key>`). `null` when malformed.
 */
export function parseBearer(header: string | undefined): string | null {
  if (!header) return null
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) return null
  let key = match[1]!
  if (key.length > 2 && key.startsWith('<') && key.endsWith('>')) key = key.slice(1, -1)
  return key.length > 0 && key.length <= 512 ? key : null
}

/**
 * The principal of an active key, or `null`. The stored digest is compared in constant time;
 * the lookup itself is by digest, so nothing about the key leaks through timing.
 */
export async function authenticate(db: Queryable, key: string): Promise<Principal | null> {
  const digest = hashApiKey(key)
  const row = await findActiveKeyByHash(db, digest)
  if (!row) return null
  const same = timingSafeEqual(Buffer.from(digest, 'hex'), Buffer.from(row.key_hash, 'hex'))
  return same ? { organizationId: row.organization_id, keyId: row.id } : null
}
