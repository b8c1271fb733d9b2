import type {
  ApiKeyCursor,
  ApiKeyOrigin,
  ApiKeyRecord,
  AuthFailureCount,
  ConfiguredKeysSync,
  RotationRefusal,
  TenantKeyStats,
} from "@openwop/storage";
import { StorageUnavailableError } from "@openwop/storage";
import type { PoolClient } from "pg";
import type { Database } from "./database.js";
import {
  API_KEY_COLUMNS,
  apiKeyFromRow,
  AUTH_FAILURE_COLUMNS,
  authFailureFromRow,
  keyStatsFromRow,
  NO_KEY_PREFIX,
  type ApiKeyRow,
  type AuthFailureRow,
  type KeyStatsRow,
} from "./rows.js";

/**
 * The key store. Every write that changes a key's life runs in one transaction (or one
 * statement) whose last write increments the key-state version, so another process that
 * reads the new version also reads the new key state. Locks are always taken in the same
 * order, key rows first and the `key_state` row last, so key writes never deadlock on
 * each other through it.
 *
 * Times are compared as instants (`::timestamptz`) but stored and returned as the strings
 * the SPI handed in. Unique violations on `api_keys_pkey` (the id) and
 * `api_keys_key_hash_key` (the hash) surface as `StorageConflictError("key-exists")`
 * (errors.ts), and abort the whole transaction.
 */

/** The advisory lock key that serialises reconciliations of configured keys across processes ("openwop" + 1). */
const CONFIGURED_KEYS_LOCK_KEY = "31367303362211697";

/**
 * An upsert rather than a plain UPDATE, so that a `key_state` emptied by hand (a TRUNCATE of
 * every table, as a reset or the test harness does) starts counting again instead of
 * silently never changing.
 */
const BUMP_KEY_STATE_SQL =
  "INSERT INTO key_state (id, version) VALUES (true, 1) ON CONFLICT (id) DO UPDATE SET version = key_state.version + 1";

const INSERT_KEY_SQL = `
INSERT INTO api_keys (${API_KEY_COLUMNS})
VALUES ($1::text, $2::text, $3::text, $4::text, $5::json, $6::text, $7::text, $8::text, $9::text, $10::text,
  $11::text, $12::text, $13::text, $14::text, $15::text)`;

function keyValues(key: ApiKeyRecord): unknown[] {
  return [
    key.keyId,
    key.keyHash,
    key.prefix,
    key.tenantId,
    JSON.stringify(key.scopes),
    key.kind,
    key.origin,
    key.label,
    key.createdAt,
    key.expiresAt,
    key.lastUsedAt,
    key.rotatedAt,
    key.revokedAt,
    key.replacedBy,
    key.replaces,
  ];
}

/** An empty batch writes nothing, but after close it rejects like every other call. */
function assertOpen(database: Database, doing: string): void {
  if (database.closed) throw new StorageUnavailableError(`postgres adapter is closed (while ${doing})`);
}

async function insertKey(client: PoolClient, key: ApiKeyRecord): Promise<void> {
  await client.query({ name: "openwop_insert_api_key", text: INSERT_KEY_SQL, values: keyValues(key) });
}

/** The insert and the version bump in one statement: one round trip, one transaction. */
const CREATE_KEY_SQL = `
WITH inserted AS (${INSERT_KEY_SQL} RETURNING key_id)
INSERT INTO key_state (id, version) SELECT true, 1 FROM inserted
ON CONFLICT (id) DO UPDATE SET version = key_state.version + 1`;

export async function createApiKey(database: Database, key: ApiKeyRecord): Promise<void> {
  // Not retried after a lost connection: a second insert of a committed key would be a conflict.
  await database.once("creating an API key", {
    name: "openwop_create_api_key",
    text: CREATE_KEY_SQL,
    values: keyValues(key),
  });
}

export async function findApiKey(database: Database, keyHash: string): Promise<ApiKeyRecord | null> {
  const result = await database.idempotent<ApiKeyRow>("reading an API key", {
    name: "openwop_find_api_key",
    text: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = $1::text`,
    values: [keyHash],
  });
  const row = result.rows[0];
  return row ? apiKeyFromRow(row) : null;
}

export async function getApiKey(database: Database, tenantId: string, keyId: string): Promise<ApiKeyRecord | null> {
  const result = await database.idempotent<ApiKeyRow>("reading an API key", {
    name: "openwop_get_api_key",
    text: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1::text AND key_id = $2::text`,
    values: [tenantId, keyId],
  });
  const row = result.rows[0];
  return row ? apiKeyFromRow(row) : null;
}

export async function listApiKeys(
  database: Database,
  tenantId: string,
  options: { limit: number; after?: ApiKeyCursor },
): Promise<ApiKeyRecord[]> {
  const limit = Math.max(0, Math.floor(options.limit));
  if (limit === 0) return [];
  const { after } = options;
  // key_id and created_at are COLLATE "C" (0003): code-unit order, served by api_keys_by_tenant.
  const result = await database.idempotent<ApiKeyRow>(
    "listing API keys",
    after === undefined
      ? {
          name: "openwop_list_api_keys",
          text: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1::text
                 ORDER BY created_at DESC, key_id DESC LIMIT $2`,
          values: [tenantId, limit],
        }
      : {
          name: "openwop_list_api_keys_after",
          text: `SELECT ${API_KEY_COLUMNS} FROM api_keys
                 WHERE tenant_id = $1::text AND (created_at, key_id) < ($3::text, $4::text)
                 ORDER BY created_at DESC, key_id DESC LIMIT $2`,
          values: [tenantId, limit, after.createdAt, after.keyId],
        },
  );
  return result.rows.map(apiKeyFromRow);
}

interface LockedKeyRow extends ApiKeyRow {
  expired: boolean;
}

/** Locks the tenant's key (waiting for a concurrent writer of it, then seeing its commit). */
async function lockKey(
  client: PoolClient,
  tenantId: string,
  keyId: string,
  at: string,
): Promise<LockedKeyRow | undefined> {
  const result = await client.query<LockedKeyRow>({
    name: "openwop_lock_api_key",
    text: `SELECT ${API_KEY_COLUMNS},
             (expires_at IS NOT NULL AND expires_at::timestamptz <= $3::text::timestamptz) AS expired
           FROM api_keys WHERE tenant_id = $1::text AND key_id = $2::text FOR UPDATE`,
    values: [tenantId, keyId, at],
  });
  return result.rows[0];
}

const ROTATE_KEY_SQL = `
UPDATE api_keys SET
  expires_at = CASE WHEN expires_at IS NOT NULL AND expires_at::timestamptz < $2::text::timestamptz
                    THEN expires_at ELSE $2::text END,
  rotated_at = $3::text,
  replaced_by = $4::text
WHERE key_id = $1::text
RETURNING ${API_KEY_COLUMNS}`;

/**
 * `SELECT … FOR UPDATE` on the key, then the successor's insert, the key's update and the
 * version bump, in one transaction. Of concurrent rotations of one key, the first to lock it
 * rotates; the others wait for its commit, then find it rotated.
 */
export async function rotateApiKey(
  database: Database,
  tenantId: string,
  keyId: string,
  successor: ApiKeyRecord,
  graceUntil: string,
  at: string,
): Promise<{ rotated: ApiKeyRecord } | { refused: RotationRefusal }> {
  return database.transaction("rotating an API key", async (client) => {
    const key = await lockKey(client, tenantId, keyId, at);
    // Checked in the order a key's status is derived in: revoked, expired, rotated.
    if (!key) return { refused: "missing" as const };
    if (key.revoked_at !== null) return { refused: "revoked" as const };
    if (key.expired) return { refused: "expired" as const };
    if (key.rotated_at !== null || key.replaced_by !== null) return { refused: "rotated" as const };
    await insertKey(client, successor);
    const rotated = await client.query<ApiKeyRow>({
      name: "openwop_rotate_api_key",
      text: ROTATE_KEY_SQL,
      values: [keyId, graceUntil, at, successor.keyId],
    });
    const row = rotated.rows[0];
    if (!row) throw new Error(`key ${keyId} vanished under its own row lock`);
    await client.query(BUMP_KEY_STATE_SQL);
    return { rotated: apiKeyFromRow(row) };
  });
}

export async function revokeApiKey(
  database: Database,
  tenantId: string,
  keyId: string,
  at: string,
): Promise<ApiKeyRecord | null> {
  return database.transaction("revoking an API key", async (client) => {
    const key = await lockKey(client, tenantId, keyId, at);
    if (!key) return null;
    // The first revocation instant is kept, and nothing changed: no new version.
    if (key.revoked_at !== null) return apiKeyFromRow(key);
    const revoked = await client.query<ApiKeyRow>({
      name: "openwop_revoke_api_key",
      text: `UPDATE api_keys SET revoked_at = $2::text WHERE key_id = $1::text RETURNING ${API_KEY_COLUMNS}`,
      values: [keyId, at],
    });
    const row = revoked.rows[0];
    if (!row) throw new Error(`key ${keyId} vanished under its own row lock`);
    await client.query(BUMP_KEY_STATE_SQL);
    return apiKeyFromRow(row);
  });
}

/**
 * One transaction under an advisory lock, so that hosts starting at once on one database
 * reconcile one after the other (the second finds the first one's keys and keeps them)
 * instead of both inserting the same configured key.
 */
export async function syncConfiguredKeys(
  database: Database,
  origin: Exclude<ApiKeyOrigin, "api">,
  keys: readonly ApiKeyRecord[],
  at: string,
): Promise<ConfiguredKeysSync> {
  const configured = new Map<string, ApiKeyRecord>();
  for (const key of keys) if (!configured.has(key.keyHash)) configured.set(key.keyHash, key);
  const hashes = [...configured.keys()];
  return database.transaction("reconciling configured API keys", async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(${CONFIGURED_KEYS_LOCK_KEY})`);
    const stored = await client.query<ApiKeyRow>({
      name: "openwop_lock_configured_keys",
      text: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = ANY($1::text[]) ORDER BY key_id FOR UPDATE`,
      values: [hashes],
    });
    const storedByHash = new Map(stored.rows.map((row) => [row.key_hash, row]));
    const outcome: ConfiguredKeysSync = { kept: [], created: [], revoked: [] };
    const originChanged: string[] = [];
    for (const [keyHash, key] of configured) {
      const row = storedByHash.get(keyHash);
      if (row) {
        if (row.origin !== origin) originChanged.push(row.key_id);
        outcome.kept.push(apiKeyFromRow({ ...row, origin }));
      } else {
        const created: ApiKeyRecord = { ...structuredClone(key), origin };
        await insertKey(client, created);
        outcome.created.push(created);
      }
    }
    if (originChanged.length > 0) {
      await client.query({
        name: "openwop_set_api_key_origin",
        text: "UPDATE api_keys SET origin = $1::text WHERE key_id = ANY($2::text[])",
        values: [origin, originChanged],
      });
    }
    const revoked = await client.query<ApiKeyRow>({
      name: "openwop_revoke_unconfigured_keys",
      text: `UPDATE api_keys SET revoked_at = $2::text
             WHERE origin = $1::text AND revoked_at IS NULL AND NOT (key_hash = ANY($3::text[]))
             RETURNING ${API_KEY_COLUMNS}`,
      values: [origin, at, hashes],
    });
    outcome.revoked = revoked.rows.map(apiKeyFromRow);
    if (originChanged.length > 0 || outcome.created.length > 0 || outcome.revoked.length > 0) {
      await client.query(BUMP_KEY_STATE_SQL);
    }
    return outcome;
  });
}

/**
 * The latest use per key, raised only (so a late or repeated write is harmless), in one
 * statement. Not a change of a key's life: no version bump.
 */
const RECORD_KEY_USE_SQL = `
UPDATE api_keys AS k SET last_used_at = u.used_at
FROM (
  SELECT DISTINCT ON (key_id) key_id, used_at
  FROM unnest($1::text[], $2::text[]) AS u(key_id, used_at)
  ORDER BY key_id, used_at::timestamptz DESC
) AS u
WHERE k.key_id = u.key_id AND (k.last_used_at IS NULL OR k.last_used_at::timestamptz < u.used_at::timestamptz)`;

export async function recordKeyUse(
  database: Database,
  uses: ReadonlyArray<{ keyId: string; usedAt: string }>,
): Promise<void> {
  if (uses.length === 0) return assertOpen(database, "recording key use");
  // autocommit: two processes raising overlapping keys may deadlock; the loser changed nothing and runs again.
  await database.autocommit("recording key use", (client) =>
    client.query({
      name: "openwop_record_key_use",
      text: RECORD_KEY_USE_SQL,
      values: [uses.map((use) => use.keyId), uses.map((use) => use.usedAt)],
    }),
  );
}

export async function keyStateVersion(database: Database): Promise<string> {
  const result = await database.idempotent<{ version: string }>("reading the key-state version", {
    name: "openwop_key_state_version",
    text: "SELECT coalesce((SELECT version FROM key_state), 0) AS version",
  });
  return String(result.rows[0]?.version ?? 0);
}

export async function keyStats(database: Database, now: string, expiringBefore: string): Promise<TenantKeyStats[]> {
  const result = await database.idempotent<KeyStatsRow>("reading key statistics", {
    name: "openwop_key_stats",
    text: `SELECT tenant_id,
             count(*) FILTER (WHERE revoked_at IS NULL AND expires_at IS NOT NULL
               AND expires_at::timestamptz > $1::text::timestamptz
               AND expires_at::timestamptz < $2::text::timestamptz)::integer AS expiring_soon,
             (array_agg(rotated_at ORDER BY rotated_at::timestamptz DESC) FILTER (WHERE rotated_at IS NOT NULL))[1]
               AS last_rotated_at,
             (array_agg(revoked_at ORDER BY revoked_at::timestamptz DESC) FILTER (WHERE revoked_at IS NOT NULL))[1]
               AS last_revoked_at
           FROM api_keys GROUP BY tenant_id ORDER BY tenant_id COLLATE "C"`,
    values: [now, expiringBefore],
  });
  return result.rows.map(keyStatsFromRow);
}

/**
 * One statement: the batch is first folded per group (entries of one group in a batch add
 * up), then added to the stored groups. The earliest `firstSeen` and the latest `lastSeen`
 * are kept, compared as instants.
 */
const RECORD_AUTH_FAILURES_SQL = `
INSERT INTO auth_failures AS f (${AUTH_FAILURE_COLUMNS}, last_seen_ts)
SELECT tenant_id, reason, key_prefix, route, sum(count)::bigint,
  (array_agg(first_seen ORDER BY first_seen::timestamptz))[1],
  (array_agg(last_seen ORDER BY last_seen::timestamptz DESC))[1],
  max(last_seen::timestamptz)
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[])
  AS u(tenant_id, reason, key_prefix, route, count, first_seen, last_seen)
GROUP BY tenant_id, reason, key_prefix, route
ON CONFLICT (tenant_id, reason, key_prefix, route) DO UPDATE SET
  count = f.count + EXCLUDED.count,
  first_seen = CASE WHEN EXCLUDED.first_seen::timestamptz < f.first_seen::timestamptz
                    THEN EXCLUDED.first_seen ELSE f.first_seen END,
  last_seen = CASE WHEN EXCLUDED.last_seen_ts > f.last_seen_ts THEN EXCLUDED.last_seen ELSE f.last_seen END,
  last_seen_ts = GREATEST(f.last_seen_ts, EXCLUDED.last_seen_ts)`;

export async function recordAuthFailures(database: Database, failures: readonly AuthFailureCount[]): Promise<void> {
  if (failures.length === 0) return assertOpen(database, "recording authentication failures");
  // autocommit: a deadlock with another process's upsert changed nothing and runs again;
  // a connection lost mid-statement is not retried (the counts may have been added).
  await database.autocommit("recording authentication failures", (client) =>
    client.query({
      name: "openwop_record_auth_failures",
      text: RECORD_AUTH_FAILURES_SQL,
      values: [
        failures.map((failure) => failure.tenantId),
        failures.map((failure) => failure.reason),
        failures.map((failure) => failure.keyPrefix ?? NO_KEY_PREFIX),
        failures.map((failure) => failure.route),
        failures.map((failure) => failure.count),
        failures.map((failure) => failure.firstSeen),
        failures.map((failure) => failure.lastSeen),
      ],
    }),
  );
}

export async function listAuthFailures(
  database: Database,
  tenantId: string,
  since: string,
): Promise<AuthFailureCount[]> {
  const result = await database.idempotent<AuthFailureRow>("listing authentication failures", {
    name: "openwop_list_auth_failures",
    text: `SELECT ${AUTH_FAILURE_COLUMNS} FROM auth_failures
           WHERE tenant_id = $1::text AND last_seen_ts >= $2::text::timestamptz ORDER BY last_seen_ts DESC`,
    values: [tenantId, since],
  });
  return result.rows.map(authFailureFromRow);
}

export async function purgeAuthFailures(database: Database, before: string): Promise<number> {
  const result = await database.once("purging authentication failures", {
    name: "openwop_purge_auth_failures",
    text: "DELETE FROM auth_failures WHERE last_seen_ts < $1::text::timestamptz",
    values: [before],
  });
  return result.rowCount ?? 0;
}
