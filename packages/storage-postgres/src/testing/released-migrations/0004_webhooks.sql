-- 0004: durable webhooks and the tenant event feed (storage SPI 2.0.0, storage-adapters.md §15).
--
-- The feed. Commits run concurrently here, so an order taken from a counter at insert time
-- is not enough: a transaction can take a smaller value and commit after a reader has passed
-- a larger one. Each event therefore records the transaction that wrote it (`feed_xid`, see
-- below) next to a counter (`feed_id`), the feed is ordered by (feed_xid, feed_id), and a read
-- serves only events whose feed_xid is below the xmin of its snapshot: every transaction below
-- xmin has ended, so nothing can commit later in front of what the reader was given.
--
-- `feed_xid` is the greater of the writing transaction's id and the run's `feed_xid` before
-- the step (kept on the run row, which the step updates under its row lock): a transaction
-- can get its id before it waits for the run row, so a later step of a run may have a smaller
-- id than the step it waited for; taking the greater keeps each run's events in sequence order.
-- It is never below the writer's own id, so "below xmin" still means "written by a
-- transaction that has ended".
ALTER TABLE runs ADD COLUMN feed_xid xid8 NOT NULL DEFAULT '0';

ALTER TABLE events
  ADD COLUMN tenant_id text,
  ADD COLUMN feed_xid xid8,
  ADD COLUMN feed_id bigint;

-- Events written before 0004 have all committed: they come first (feed_xid 0), in the order
-- (run created, run, sequence), which keeps each run's events in sequence order.
UPDATE events AS e
SET tenant_id = ranked.tenant_id, feed_xid = '0', feed_id = ranked.position
FROM (
  SELECT ev.run_id, ev.sequence, r.tenant_id,
    row_number() OVER (ORDER BY r.created_at::timestamptz, ev.run_id, ev.sequence) AS position
  FROM events AS ev JOIN runs AS r ON r.run_id = ev.run_id
) AS ranked
WHERE e.run_id = ranked.run_id AND e.sequence = ranked.sequence;

CREATE SEQUENCE events_feed_id_seq AS bigint OWNED BY events.feed_id;
SELECT setval('events_feed_id_seq', coalesce((SELECT max(feed_id) FROM events), 0) + 1, false);

ALTER TABLE events
  ALTER COLUMN tenant_id SET NOT NULL,
  ALTER COLUMN feed_xid SET NOT NULL,
  ALTER COLUMN feed_id SET DEFAULT nextval('events_feed_id_seq'),
  ALTER COLUMN feed_id SET NOT NULL;

-- A tenant's feed, in feed order: each page of GET /v1/events is one index range, bounded
-- above by the snapshot's xmin.
CREATE INDEX events_feed ON events (tenant_id, feed_xid, feed_id);

-- Webhook subscriptions. The instants the adapter compares (the circuit, the failure window)
-- are also kept as epoch milliseconds, next to the ISO strings it returns; ids and creation
-- times sort by code unit ("C"), as the other adapters order them.
CREATE TABLE webhooks (
  webhook_id                text COLLATE "C" PRIMARY KEY,
  tenant_id                 text NOT NULL,
  url                       text NOT NULL,
  events                    text[] NOT NULL,
  tags                      text[] NOT NULL,
  signature                 text NOT NULL,
  sealed_secret             text NOT NULL,
  secret_fingerprint        text NOT NULL,
  status                    text NOT NULL CHECK (status IN ('active', 'paused', 'failed')),
  consecutive_failures      integer NOT NULL,
  circuit_open_until        text,
  circuit_open_until_ms     bigint,
  window_failures           integer NOT NULL,
  failure_window_started_at text NOT NULL,
  failure_window_started_ms bigint NOT NULL,
  created_at                text COLLATE "C" NOT NULL,
  updated_at                text NOT NULL
);

-- A tenant's subscriptions, newest first; also the outbox's lookup in every step that appends
-- events (a tenant without subscriptions costs one probe of this index).
CREATE INDEX webhooks_by_tenant ON webhooks (tenant_id, created_at DESC, webhook_id DESC);

-- One event bound for one subscription, written by the statement that appends the event.
-- It goes with its run (ON DELETE CASCADE: retention). It has no foreign key to its
-- subscription on purpose: that key would make a step fail when the subscription is removed
-- while the step runs; deleteSubscription removes the deliveries itself, and claims and
-- statistics only see deliveries whose subscription exists. `due_ms` is `next_attempt_at` as
-- epoch milliseconds; `feed_xid`/`feed_id` are the event's feed position.
CREATE TABLE webhook_deliveries (
  delivery_id      text COLLATE "C" PRIMARY KEY,
  webhook_id       text COLLATE "C" NOT NULL,
  tenant_id        text NOT NULL,
  run_id           text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  sequence         integer NOT NULL,
  event_type       text NOT NULL,
  feed_xid         xid8 NOT NULL,
  feed_id          bigint NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'failed', 'delivered', 'dead_lettered')),
  attempts         integer NOT NULL,
  total_attempts   integer NOT NULL,
  next_attempt_at  text,
  due_ms           bigint,
  created_at       text COLLATE "C" NOT NULL,
  updated_at       text NOT NULL,
  delivered_at     text,
  last_error       text,
  lease_holder_id  text,
  lease_expires_at bigint
) WITH (fillfactor = 80);

-- Due deliveries, earliest first, then in feed order; finished deliveries never enter it.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_ms, feed_xid, feed_id)
  WHERE status IN ('pending', 'failed');
-- A subscription's deliveries, newest first (listing, dead-letter replay, deleteSubscription).
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC, delivery_id DESC);
-- The cascade from runs.
CREATE INDEX webhook_deliveries_by_run ON webhook_deliveries (run_id);
-- Every delivery passes through the indexes on webhook_deliveries once or twice, so there are
-- no more than the reads need. The gauges count waiting deliveries through the due index;
-- releaseDeliveries (a process stopping) scans it too, as a leased delivery is always waiting
-- (and claims, which change only the lease, stay HOT updates).
-- Dead letters are counted through their own.
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (created_at) WHERE status = 'dead_lettered';

CREATE TABLE webhook_attempts (
  delivery_id      text COLLATE "C" NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
  attempt          integer NOT NULL,
  started_at       text NOT NULL,
  address          text,
  status_code      integer,
  latency_ms       double precision NOT NULL,
  error            text,
  response_excerpt text,
  PRIMARY KEY (delivery_id, attempt)
);
