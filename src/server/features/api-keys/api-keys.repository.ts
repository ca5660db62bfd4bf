import type { Queryable } from '../../storage/db.js'

export interface ApiKeyRow {
  id: number
  organization_id: number
  key_hash: string
  key_hint: string
  created_at: number
  revoked_at: number | null
}

export interface ApiKeyListRow extends ApiKeyRow {
  domain: string
}

export function findActiveKeyByHash(db: Queryable, keyHash: string) {
  return db.get<Pick<ApiKeyRow, 'id' | 'organization_id' | 'key_hash'>>(
    'SELECT id, organization_id, key_hash FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
    [keyHash],
  )
}

export async function insertApiKey(
  db: Queryable,
  key: { organizationId: number; keyHash: string; keyHint: string; createdAt: number },
): Promise<number> {
  const row = await db.get<{ id: number }>(
    `INSERT INTO api_keys (organization_id, key_hash, key_hint, created_at)
     VALUES (?, ?, ?, ?) RETURNING id`,
    [key.organizationId, key.keyHash, key.keyHint, key.createdAt],
  )
  return row!.id
}

export function listApiKeys(db: Queryable, organizationId: number | null) {
  return db.all<ApiKeyListRow>(
    `SELECT k.id, k.organization_id, k.key_hash, k.key_hint, k.created_at, k.revoked_at, o.domain
     FROM api_keys k JOIN organizations o ON o.id = k.organization_id
     WHERE CAST(? AS BIGINT) IS NULL OR k.organization_id = ?
     ORDER BY k.id`,
    [organizationId, organizationId],
  )
}

export function revokeApiKey(db: Queryable, id: number, revokedAt: number) {
  return db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
    revokedAt,
    id,
  ])
}
