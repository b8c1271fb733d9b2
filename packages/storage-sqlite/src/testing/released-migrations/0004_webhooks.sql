-- 0004: durable webhooks and the tenant event feed (storage SPI 2.0.0, storage-adapters.md §15).
-- Subscriptions, their deliveries (written in the transaction that appends the events they
-- deliver) and each delivery's attempts; and a position for every event in its tenant's feed.

-- The log gains its tenant (so a tenant's feed is one index range, without the runs join) and
-- its feed position. SQLite cannot add NOT NULL columns without defaults, so the table is
-- rebuilt. Events written before 0004 get positions in the order (run created, run, sequence),
-- which keeps each run's events in sequence order.
CREATE TABLE run_events_0004 (
  run_id         TEXT    NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  sequence       INTEGER NOT NULL,
  event_id       TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  payload_json   TEXT    NOT NULL,
  timestamp      TEXT    NOT NULL,
  node_id        TEXT,
  schema_version INTEGER,
  engine_version TEXT,
  causation_id   TEXT,
  tenant_id      TEXT    NOT NULL,
  feed_position  INTEGER NOT NULL,
  PRIMARY KEY (run_id, sequence)
) STRICT, WITHOUT ROWID;

INSERT INTO run_events_0004 (run_id, sequence, event_id, type, payload_json, timestamp, node_id, schema_version,
  engine_version, causation_id, tenant_id, feed_position)
SELECT e.run_id, e.sequence, e.event_id, e.type, e.payload_json, e.timestamp, e.node_id, e.schema_version,
  e.engine_version, e.causation_id, r.tenant_id,
  row_number() OVER (ORDER BY r.created_at, e.run_id, e.sequence)
FROM run_events AS e JOIN runs AS r ON r.run_id = e.run_id;

DROP TABLE run_events;
ALTER TABLE run_events_0004 RENAME TO run_events;

-- A tenant's feed, in position order: each page of GET /v1/events is one index range.
CREATE INDEX run_events_feed ON run_events (tenant_id, feed_position);

-- The last feed position handed out. Positions come from this counter, inside the write
-- transaction that appends the events: SQLite has one writer at a time (across processes too),
-- so positions are taken in commit order and a reader can never be overtaken by a commit with a
-- smaller one. Not MAX(feed_position): retention deletes events, and a position must never be
-- handed out twice.
CREATE TABLE feed_state (
  id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  last_position INTEGER NOT NULL
) STRICT;

INSERT INTO feed_state (id, last_position) SELECT 1, coalesce(max(feed_position), 0) FROM run_events;

-- Webhook subscriptions. Instants the adapter compares (the circuit, the failure window) are
-- also kept as epoch milliseconds, next to the ISO strings it returns.
CREATE TABLE webhooks (
  webhook_id                TEXT    NOT NULL PRIMARY KEY,
  tenant_id                 TEXT    NOT NULL,
  url                       TEXT    NOT NULL,
  events_json               TEXT    NOT NULL,
  tags_json                 TEXT    NOT NULL,
  signature                 TEXT    NOT NULL,
  sealed_secret             TEXT    NOT NULL,
  secret_fingerprint        TEXT    NOT NULL,
  status                    TEXT    NOT NULL CHECK (status IN ('active', 'paused', 'failed')),
  consecutive_failures      INTEGER NOT NULL,
  circuit_open_until        TEXT,
  circuit_open_until_ms     INTEGER,
  window_failures           INTEGER NOT NULL,
  failure_window_started_at TEXT    NOT NULL,
  failure_window_started_ms INTEGER NOT NULL,
  created_at                TEXT    NOT NULL,
  updated_at                TEXT    NOT NULL
) STRICT;

-- A tenant's subscriptions, newest first; also the outbox's lookup on every step (a tenant
-- without subscriptions costs one probe of this index).
CREATE INDEX webhooks_by_tenant ON webhooks (tenant_id, created_at DESC, webhook_id DESC);

-- One event bound for one subscription. It goes with its run (retention) and with its
-- subscription. `due_ms` is `next_attempt_at` as epoch milliseconds.
CREATE TABLE webhook_deliveries (
  delivery_id      TEXT    NOT NULL PRIMARY KEY,
  webhook_id       TEXT    NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  tenant_id        TEXT    NOT NULL,
  run_id           TEXT    NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  sequence         INTEGER NOT NULL,
  event_type       TEXT    NOT NULL,
  feed_position    INTEGER NOT NULL,
  status           TEXT    NOT NULL CHECK (status IN ('pending', 'failed', 'delivered', 'dead_lettered')),
  attempts         INTEGER NOT NULL,
  total_attempts   INTEGER NOT NULL,
  next_attempt_at  TEXT,
  due_ms           INTEGER,
  created_at       TEXT    NOT NULL,
  updated_at       TEXT    NOT NULL,
  delivered_at     TEXT,
  last_error       TEXT,
  lease_holder_id  TEXT,
  lease_expires_at INTEGER
) STRICT;

-- Due deliveries, earliest first (then in event order); deliveries that are done never enter it.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_ms, feed_position, webhook_id)
  WHERE status IN ('pending', 'failed');
-- A subscription's deliveries, newest first (listing, dead-letter replay, the cascade).
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC, delivery_id DESC);
-- The cascade from runs.
CREATE INDEX webhook_deliveries_by_run ON webhook_deliveries (run_id);
-- Every delivery passes through the indexes on webhook_deliveries once or twice, so there are
-- no more than the reads need. The gauges count waiting deliveries through the due index;
-- releaseDeliveries (a process stopping) scans it too, as a leased delivery is always waiting
-- Dead letters are counted through their own.
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (created_at) WHERE status = 'dead_lettered';

CREATE TABLE webhook_attempts (
  delivery_id      TEXT    NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
  attempt          INTEGER NOT NULL,
  started_at       TEXT    NOT NULL,
  address          TEXT,
  status_code      INTEGER,
  latency_ms       REAL    NOT NULL,
  error            TEXT,
  response_excerpt TEXT,
  PRIMARY KEY (delivery_id, attempt)
) STRICT, WITHOUT ROWID;
