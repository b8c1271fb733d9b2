import type { ApiKeyRecord } from "@openwop/storage";
import type { Database } from "./database.js";
import { apiKeyFromRow, type ApiKeyRow } from "./rows.js";

/** Hashed bearer keys. `put` replaces a key with the same hash (rotation metadata, revocation). */
export async function putApiKey(database: Database, key: ApiKeyRecord): Promise<void> {
  await database.idempotent("storing an API key", {
    name: "openwop_put_api_key",
    text: `INSERT INTO api_keys (key_hash, tenant_id, scopes, label, test, created_at, revoked_at)
           VALUES ($1::text, $2::text, $3::json, $4::text, $5::boolean, $6::text, $7::text)
           ON CONFLICT (key_hash) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, scopes = EXCLUDED.scopes,
             label = EXCLUDED.label, test = EXCLUDED.test, created_at = EXCLUDED.created_at,
             revoked_at = EXCLUDED.revoked_at`,
    values: [key.keyHash, key.tenantId, JSON.stringify(key.scopes), key.label, key.test, key.createdAt, key.revokedAt],
  });
}

export async function findApiKey(database: Database, keyHash: string): Promise<ApiKeyRecord | null> {
  const result = await database.idempotent<ApiKeyRow>("reading an API key", {
    name: "openwop_find_api_key",
    text: "SELECT key_hash, tenant_id, scopes, label, test, created_at, revoked_at FROM api_keys WHERE key_hash = $1",
    values: [keyHash],
  });
  const row = result.rows[0];
  return row ? apiKeyFromRow(row) : null;
}
