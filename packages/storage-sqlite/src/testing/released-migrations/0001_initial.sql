-- 0001: the tables every store of the storage SPI needs.
--
-- JSON travels as TEXT written by JSON.stringify and read by JSON.parse: SQLite never
-- looks inside it, so it comes back byte for byte. Times the engine compares (claims,
-- leases) are INTEGER epoch milliseconds; times it only reports are ISO-8601 TEXT, which
-- sorts chronologically as text.

-- A run: its snapshot, the engine's private state, the claim (lease) that decides which
-- process executes it, and the high-water mark of its log. The claim lives on the row so
-- one UPDATE can compare-and-set it; claim_epoch survives a release so that every
-- acquisition gets a higher epoch (write fencing).
CREATE TABLE runs (
  run_id            TEXT    NOT NULL PRIMARY KEY,
  tenant_id         TEXT    NOT NULL,
  workflow_id       TEXT    NOT NULL,
  status            TEXT    NOT NULL,
  definition_json   TEXT    NOT NULL,
  inputs_json       TEXT    NOT NULL,
  variables_json    TEXT    NOT NULL,
  configurable_json TEXT    NOT NULL,
  tags_json         TEXT    NOT NULL,
  metadata_json     TEXT    NOT NULL,
  current_node_id   TEXT,
  error_json        TEXT,
  engine_state_json TEXT    NOT NULL,
  cancel_requested  INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT    NOT NULL,
  started_at        TEXT,
  completed_at      TEXT,
  updated_at        TEXT    NOT NULL,
  claim_holder_id   TEXT,
  claim_expires_at  INTEGER,
  claim_epoch       INTEGER NOT NULL DEFAULT 0,
  -- Sequence of the last appended event (-1: empty log). Steps take the next sequence
  -- from here inside their transaction, never from COUNT(*) or MAX() over the log.
  last_sequence     INTEGER NOT NULL DEFAULT -1
) STRICT;

-- The claimable queue, oldest first. Partial, so terminal and waiting runs (the vast
-- majority of a long-lived database) cost nothing here.
CREATE INDEX runs_claimable ON runs (created_at, run_id)
  WHERE status IN ('pending', 'running', 'cancelling');

-- Queue depth per status for admission control, answered from the index alone.
CREATE INDEX runs_by_status ON runs (status);

-- Heartbeats and shutdown release find a holder's claims without scanning every run.
CREATE INDEX runs_by_claim_holder ON runs (claim_holder_id)
  WHERE claim_holder_id IS NOT NULL;

-- The append-only log. Clustered on (run_id, sequence) (WITHOUT ROWID), so a read from
-- a sequence is one range scan and the primary key alone forbids a duplicate sequence.
CREATE TABLE run_events (
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
  PRIMARY KEY (run_id, sequence)
) STRICT, WITHOUT ROWID;

-- Human-in-the-loop interrupts; settled by compare-and-set on status.
CREATE TABLE suspensions (
  suspension_id     TEXT NOT NULL PRIMARY KEY,
  run_id            TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  node_id           TEXT NOT NULL,
  kind              TEXT NOT NULL,
  status            TEXT NOT NULL,
  data_json         TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  resolved_at       TEXT,
  resume_value_json TEXT NOT NULL DEFAULT 'null'
) STRICT;

CREATE INDEX suspensions_by_run ON suspensions (run_id, status);

-- Layer-1 HTTP idempotency: insert-if-absent on record_key, pending leases taken over by CAS.
CREATE TABLE idempotency_records (
  record_key       TEXT    NOT NULL PRIMARY KEY,
  tenant_id        TEXT    NOT NULL,
  endpoint         TEXT    NOT NULL,
  request_digest   TEXT    NOT NULL,
  state            TEXT    NOT NULL,
  lease_expires_at INTEGER NOT NULL,
  response_json    TEXT,
  created_at       TEXT    NOT NULL
) STRICT;

CREATE INDEX idempotency_records_by_created_at ON idempotency_records (created_at);

-- Bearer keys, stored only as hashes.
CREATE TABLE api_keys (
  key_hash    TEXT    NOT NULL PRIMARY KEY,
  tenant_id   TEXT    NOT NULL,
  scopes_json TEXT    NOT NULL,
  label       TEXT    NOT NULL,
  test        INTEGER NOT NULL,
  created_at  TEXT    NOT NULL,
  revoked_at  TEXT
) STRICT;
