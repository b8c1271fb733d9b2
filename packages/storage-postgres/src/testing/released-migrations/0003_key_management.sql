-- 0003: key management (storage SPI 2.0.0). Keys get an id by which they are named, a
-- visible prefix, a kind and an origin, an expiry, their last use and their rotation chain;
-- authentication failures are counted per group; and a key-state version tells every
-- process on this database that a key changed.
--
-- Times stay the ISO strings the SPI hands us (as in 0001); the statements that compare
-- them cast to timestamptz, so any offset or precision compares as the instant it names.

-- Rows written before 0003 keep working: each gets a random id (not derived from its hash:
-- a key id is shown to tenants, a digest never is), the prefix '?' (the secret that would
-- show it is not stored), its kind from the old `test` flag, and the origin 'environment'
-- (the only way keys were stored before key management).
ALTER TABLE api_keys ADD COLUMN key_id text COLLATE "C";
UPDATE api_keys SET key_id = 'key_' || substr(md5(random()::text || clock_timestamp()::text || key_hash), 1, 24);
ALTER TABLE api_keys ALTER COLUMN key_id SET NOT NULL;

-- The id becomes the primary key; the hash stays unique (authentication finds keys by it).
-- Both constraint names are what the adapter maps to StorageConflictError("key-exists").
ALTER TABLE api_keys DROP CONSTRAINT api_keys_pkey;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_pkey PRIMARY KEY (key_id);
ALTER TABLE api_keys ADD CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash);

ALTER TABLE api_keys ADD COLUMN prefix text NOT NULL DEFAULT '?';
ALTER TABLE api_keys ALTER COLUMN prefix DROP DEFAULT;

ALTER TABLE api_keys ADD COLUMN kind text;
UPDATE api_keys SET kind = CASE WHEN test THEN 'test' ELSE 'live' END;
ALTER TABLE api_keys ALTER COLUMN kind SET NOT NULL;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_kind_check CHECK (kind IN ('live', 'test'));
ALTER TABLE api_keys DROP COLUMN test;

ALTER TABLE api_keys ADD COLUMN origin text NOT NULL DEFAULT 'environment'
  CONSTRAINT api_keys_origin_check CHECK (origin IN ('bootstrap', 'environment', 'api'));
ALTER TABLE api_keys ALTER COLUMN origin DROP DEFAULT;

ALTER TABLE api_keys
  ADD COLUMN expires_at text,
  ADD COLUMN last_used_at text,
  ADD COLUMN rotated_at text,
  ADD COLUMN replaced_by text,
  ADD COLUMN replaces text;

-- Listing is newest first by (created_at, key_id) compared by code unit, whatever the
-- database's default collation, exactly as the other adapters order.
ALTER TABLE api_keys ALTER COLUMN created_at TYPE text COLLATE "C";

-- A tenant's keys, newest first: each page of GET /v1/keys is one index range.
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC, key_id DESC);

-- Reconciling configured keys finds the unrevoked keys of an origin.
CREATE INDEX api_keys_unrevoked_by_origin ON api_keys (origin) WHERE revoked_at IS NULL;

-- Authentication failures per tenant, reason, key prefix and route. A failure without a
-- key prefix is stored with '' so that it is one group (NULLs are distinct in a unique key);
-- the adapter reads '' back as null. Real prefixes are never empty. `last_seen_ts` is
-- `last_seen` as an instant, for the `since` filter and the purge.
CREATE TABLE auth_failures (
  tenant_id    text NOT NULL,
  reason       text NOT NULL,
  key_prefix   text NOT NULL,
  route        text NOT NULL,
  count        bigint NOT NULL,
  first_seen   text NOT NULL,
  last_seen    text NOT NULL,
  last_seen_ts timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, reason, key_prefix, route)
);

CREATE INDEX auth_failures_by_tenant ON auth_failures (tenant_id, last_seen_ts);
CREATE INDEX auth_failures_by_last_seen ON auth_failures (last_seen_ts);

-- The key-state version: one row, incremented by the same transaction as every creation,
-- rotation and revocation of a key, as its last write. Readers see the new version exactly
-- when they can see the new key state (a sequence would not do: nextval is visible before
-- the transaction commits, so a reader could take the new version with the old state).
CREATE TABLE key_state (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);

INSERT INTO key_state (id, version) VALUES (true, 0);
