-- 0003: key management (storage SPI 2.0.0). Keys get an id by which they are named, a
-- visible prefix, a kind and an origin, an expiry, their last use and their rotation chain;
-- authentication failures are counted per group; and a key-state version tells every
-- process on this file that a key changed.

-- SQLite cannot add NOT NULL columns without defaults or change a primary key in place,
-- so the table is rebuilt. Rows written before 0003 keep working: each gets a random id
-- (not derived from its hash: a key id is shown to tenants, a digest never is), the prefix
-- '?' (the secret that would show it is not stored), its kind from the old `test` flag, and
-- the origin 'environment' (the only way keys were stored before key management).
CREATE TABLE api_keys_0003 (
  key_id       TEXT NOT NULL PRIMARY KEY,
  key_hash     TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  tenant_id    TEXT NOT NULL,
  scopes_json  TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('live', 'test')),
  origin       TEXT NOT NULL CHECK (origin IN ('bootstrap', 'environment', 'api')),
  label        TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT,
  last_used_at TEXT,
  rotated_at   TEXT,
  revoked_at   TEXT,
  replaced_by  TEXT,
  replaces     TEXT
) STRICT;

INSERT INTO api_keys_0003 (key_id, key_hash, prefix, tenant_id, scopes_json, kind, origin, label, created_at, revoked_at)
SELECT 'key_' || lower(hex(randomblob(12))), key_hash, '?', tenant_id, scopes_json,
       CASE WHEN test <> 0 THEN 'test' ELSE 'live' END, 'environment', label, created_at, revoked_at
FROM api_keys;

DROP TABLE api_keys;
ALTER TABLE api_keys_0003 RENAME TO api_keys;

-- Authentication looks keys up by hash; a hash names exactly one key.
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);

-- A tenant's keys, newest first: each page of GET /v1/keys is one range scan.
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC, key_id DESC);

-- Reconciling configured keys finds the unrevoked keys of an origin.
CREATE INDEX api_keys_unrevoked_by_origin ON api_keys (origin) WHERE revoked_at IS NULL;

-- Authentication failures per tenant, reason, key prefix and route. A failure without a
-- key prefix is stored with '' so that it is one group (NULLs are distinct in a UNIQUE
-- key); the adapter reads '' back as null. Real prefixes are never empty.
CREATE TABLE auth_failures (
  tenant_id  TEXT    NOT NULL,
  reason     TEXT    NOT NULL,
  key_prefix TEXT    NOT NULL,
  route      TEXT    NOT NULL,
  count      INTEGER NOT NULL,
  first_seen TEXT    NOT NULL,
  last_seen  TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, reason, key_prefix, route)
) STRICT;

-- Listing a tenant's recent failures, and purging old ones.
CREATE INDEX auth_failures_by_tenant ON auth_failures (tenant_id, last_seen);
CREATE INDEX auth_failures_by_last_seen ON auth_failures (last_seen);

-- The key-state version: one row, incremented in the same transaction as every creation,
-- rotation and revocation of a key. It lives in the database, not in a process, because
-- other processes may use the same file; reading it is one primary-key lookup.
CREATE TABLE key_state (
  id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;

INSERT INTO key_state (id, version) VALUES (1, 0);
