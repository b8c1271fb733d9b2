import type Database from "better-sqlite3";
import type { ApiKeyRow, AuthFailureRow, KeyStatsRow } from "./rows.js";

export interface ApiKeyParams {
  keyId: string;
  keyHash: string;
  prefix: string;
  tenantId: string;
  scopesJson: string;
  kind: string;
  origin: string;
  label: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  rotatedAt: string | null;
  revokedAt: string | null;
  replacedBy: string | null;
  replaces: string | null;
}

export interface AuthFailureParams {
  tenantId: string;
  reason: string;
  keyPrefix: string;
  route: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

type Statement<Params extends unknown[] | object = [], Result = unknown> = Database.Statement<Params, Result>;

/**
 * The statements of the key store. Times are ISO-8601 text compared as text, like every
 * other time this adapter compares (they sort chronologically in the one format the engine
 * writes). Every write that changes a key's life also runs `bumpKeyState` in its transaction.
 */
export interface KeyStatements {
  /** Inserts nothing when the id or the hash is taken (either unique key). */
  insertApiKey: Statement<ApiKeyParams>;
  selectApiKeyByHash: Statement<[keyHash: string], ApiKeyRow>;
  selectApiKeyOfTenant: Statement<[tenantId: string, keyId: string], ApiKeyRow>;
  listApiKeys: Statement<{ tenantId: string; limit: number }, ApiKeyRow>;
  listApiKeysAfter: Statement<{ tenantId: string; limit: number; createdAt: string; keyId: string }, ApiKeyRow>;
  rotateApiKey: Statement<{ keyId: string; graceUntil: string; at: string; successorId: string }, ApiKeyRow>;
  revokeApiKey: Statement<[revokedAt: string, keyId: string]>;
  setApiKeyOrigin: Statement<{ keyId: string; origin: string }>;
  revokeOtherKeysOfOrigin: Statement<{ origin: string; at: string; keptHashesJson: string }, ApiKeyRow>;
  recordKeyUse: Statement<{ keyId: string; usedAt: string }>;
  bumpKeyState: Statement;
  selectKeyState: Statement<[], number>;
  keyStats: Statement<{ now: string; expiringBefore: string }, KeyStatsRow>;
  upsertAuthFailure: Statement<AuthFailureParams>;
  listAuthFailures: Statement<[tenantId: string, since: string], AuthFailureRow>;
  purgeAuthFailures: Statement<[before: string]>;
}

const KEY_COLUMNS = `key_id, key_hash, prefix, tenant_id, scopes_json, kind, origin, label, created_at, expires_at,
  last_used_at, rotated_at, revoked_at, replaced_by, replaces`;

export function prepareKeyStatements(db: Database.Database): KeyStatements {
  return {
    insertApiKey: db.prepare<ApiKeyParams>(`
      INSERT INTO api_keys (${KEY_COLUMNS})
      VALUES (@keyId, @keyHash, @prefix, @tenantId, @scopesJson, @kind, @origin, @label, @createdAt, @expiresAt,
        @lastUsedAt, @rotatedAt, @revokedAt, @replacedBy, @replaces)
      ON CONFLICT DO NOTHING`),
    selectApiKeyByHash: db.prepare<[string], ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`),
    selectApiKeyOfTenant: db.prepare<[string, string], ApiKeyRow>(
      `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = ? AND key_id = ?`,
    ),
    // Both use api_keys_by_tenant, which yields the keys in this order and stops at LIMIT.
    listApiKeys: db.prepare<{ tenantId: string; limit: number }, ApiKeyRow>(`
      SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = @tenantId
      ORDER BY created_at DESC, key_id DESC LIMIT @limit`),
    listApiKeysAfter: db.prepare<{ tenantId: string; limit: number; createdAt: string; keyId: string }, ApiKeyRow>(`
      SELECT ${KEY_COLUMNS} FROM api_keys
      WHERE tenant_id = @tenantId AND (created_at, key_id) < (@createdAt, @keyId)
      ORDER BY created_at DESC, key_id DESC LIMIT @limit`),
    rotateApiKey: db.prepare<{ keyId: string; graceUntil: string; at: string; successorId: string }, ApiKeyRow>(`
      UPDATE api_keys SET
        expires_at = CASE WHEN expires_at IS NOT NULL AND expires_at < @graceUntil THEN expires_at ELSE @graceUntil END,
        rotated_at = @at,
        replaced_by = @successorId
      WHERE key_id = @keyId
      RETURNING ${KEY_COLUMNS}`),
    revokeApiKey: db.prepare<[string, string]>(
      "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
    ),
    setApiKeyOrigin: db.prepare<{ keyId: string; origin: string }>(
      "UPDATE api_keys SET origin = @origin WHERE key_id = @keyId AND origin <> @origin",
    ),
    // The configured hashes travel as one JSON array, so one prepared statement serves any count.
    revokeOtherKeysOfOrigin: db.prepare<{ origin: string; at: string; keptHashesJson: string }, ApiKeyRow>(`
      UPDATE api_keys SET revoked_at = @at
      WHERE origin = @origin AND revoked_at IS NULL
        AND key_hash NOT IN (SELECT value FROM json_each(@keptHashesJson))
      RETURNING ${KEY_COLUMNS}`),
    recordKeyUse: db.prepare<{ keyId: string; usedAt: string }>(`
      UPDATE api_keys SET last_used_at = @usedAt
      WHERE key_id = @keyId AND (last_used_at IS NULL OR last_used_at < @usedAt)`),
    // An upsert, and a read that takes a missing row as 0: a key_state emptied by hand counts again.
    bumpKeyState: db.prepare(
      "INSERT INTO key_state (id, version) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET version = version + 1",
    ),
    selectKeyState: db.prepare<[], number>("SELECT coalesce((SELECT version FROM key_state WHERE id = 1), 0)").pluck(),
    keyStats: db.prepare<{ now: string; expiringBefore: string }, KeyStatsRow>(`
      SELECT tenant_id,
        sum(revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at > @now AND expires_at < @expiringBefore)
          AS expiring_soon,
        max(rotated_at) AS last_rotated_at,
        max(revoked_at) AS last_revoked_at
      FROM api_keys GROUP BY tenant_id ORDER BY tenant_id`),
    // In the DO UPDATE, bare column names are the stored row's; excluded.* is the new one.
    upsertAuthFailure: db.prepare<AuthFailureParams>(`
      INSERT INTO auth_failures (tenant_id, reason, key_prefix, route, count, first_seen, last_seen)
      VALUES (@tenantId, @reason, @keyPrefix, @route, @count, @firstSeen, @lastSeen)
      ON CONFLICT (tenant_id, reason, key_prefix, route) DO UPDATE SET
        count = count + excluded.count,
        first_seen = min(first_seen, excluded.first_seen),
        last_seen = max(last_seen, excluded.last_seen)`),
    listAuthFailures: db.prepare<[string, string], AuthFailureRow>(`
      SELECT tenant_id, reason, key_prefix, route, count, first_seen, last_seen FROM auth_failures
      WHERE tenant_id = ? AND last_seen >= ? ORDER BY last_seen DESC`),
    purgeAuthFailures: db.prepare<[string]>("DELETE FROM auth_failures WHERE last_seen < ?"),
  };
}
