-- 0001: the first schema of the Postgres storage adapter.
--
-- JSON documents use `json`, not `jsonb`, on purpose: the adapter never queries inside
-- them, and `json` keeps exactly the text the engine wrote (key order, number spelling,
-- and `\u0000`, which `jsonb` rejects), so a run reads back identically on every backend.
-- Timestamps are the ISO strings the SPI hands us, stored verbatim for the same reason.

-- One row per run. The row doubles as the lock that serialises appends to the run's log:
-- a step's UPDATE of `last_sequence` holds it until commit, so sequences are gapless.
-- fillfactor leaves room on each page so the frequent step updates can stay HOT.
CREATE TABLE runs (
  run_id           text PRIMARY KEY,
  tenant_id        text NOT NULL,
  workflow_id      text NOT NULL,
  status           text NOT NULL CHECK (status IN (
                     'pending', 'running', 'paused', 'waiting-approval', 'waiting-input',
                     'waiting-external', 'completed', 'failed', 'cancelling', 'cancelled')),
  definition       json NOT NULL,
  inputs           json NOT NULL,
  variables        json NOT NULL,
  configurable     json NOT NULL,
  tags             json NOT NULL,
  metadata         json NOT NULL,
  current_node_id  text,
  error            json,
  engine_state     json NOT NULL,
  cancel_requested boolean NOT NULL,
  created_at       text NOT NULL,
  started_at       text,
  completed_at     text,
  updated_at       text NOT NULL,
  claim_holder_id  text,
  -- Epoch milliseconds, as the SPI's clock is passed in by the caller, never read here.
  claim_expires_at bigint,
  -- Incremented by every acquisition and never reset, so a fence names one acquisition.
  claim_epoch      integer NOT NULL DEFAULT 0,
  last_sequence    integer NOT NULL DEFAULT -1
) WITH (fillfactor = 80);

-- The work queue: runs a worker may execute, oldest first. The predicate must stay
-- identical to CLAIMABLE_STATUSES in src/claimable.ts, or the planner ignores the index.
CREATE INDEX runs_claimable ON runs (created_at, run_id)
  WHERE status IN ('pending', 'running', 'cancelling');

-- renewClaims / releaseClaims find a holder's runs without scanning every run.
CREATE INDEX runs_by_claim_holder ON runs (claim_holder_id) WHERE claim_holder_id IS NOT NULL;

-- countRunsByStatus.
CREATE INDEX runs_by_status ON runs (status);

CREATE TABLE events (
  run_id         text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  sequence       integer NOT NULL,
  event_id       text NOT NULL,
  type           text NOT NULL,
  payload        json NOT NULL,
  occurred_at    text NOT NULL,
  node_id        text,
  schema_version integer,
  engine_version text,
  causation_id   text,
  -- The key is what makes a duplicate sequence impossible even if the lock were bypassed.
  PRIMARY KEY (run_id, sequence)
);

CREATE TABLE suspensions (
  suspension_id text PRIMARY KEY,
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  -- Creation order, so a run's suspensions list in the order the engine made them.
  position      bigint GENERATED ALWAYS AS IDENTITY,
  node_id       text NOT NULL,
  kind          text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'resolved', 'cancelled')),
  data          json NOT NULL,
  created_at    text NOT NULL,
  resolved_at   text,
  resume_value  json
);

CREATE INDEX suspensions_by_run ON suspensions (run_id, position);

CREATE TABLE idempotency_records (
  record_key       text PRIMARY KEY,
  tenant_id        text NOT NULL,
  endpoint         text NOT NULL,
  request_digest   text NOT NULL,
  state            text NOT NULL CHECK (state IN ('pending', 'completed')),
  lease_expires_at bigint NOT NULL,
  response         json,
  created_at       text NOT NULL
);

CREATE TABLE api_keys (
  key_hash   text PRIMARY KEY,
  tenant_id  text NOT NULL,
  scopes     json NOT NULL,
  label      text NOT NULL,
  test       boolean NOT NULL,
  created_at text NOT NULL,
  revoked_at text
);

CREATE TABLE run_tombstones (
  run_id     text PRIMARY KEY,
  tenant_id  text NOT NULL,
  expired_at text NOT NULL
);
