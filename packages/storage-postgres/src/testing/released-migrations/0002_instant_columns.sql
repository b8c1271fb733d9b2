-- 0002: retention and idempotency purges compare instants, not strings.
--
-- 0001 kept only the ISO strings the SPI hands us, and compared them as text. That is
-- right only while every writer formats timestamps identically ("…Z" with milliseconds);
-- an offset or a missing fraction sorts wrongly. These columns hold the same instants as
-- timestamptz, written by the adapter next to the strings, and index the two sweeps.

ALTER TABLE runs ADD COLUMN completed_at_ts timestamptz;
UPDATE runs SET completed_at_ts = completed_at::timestamptz WHERE completed_at IS NOT NULL;

-- expireRuns walks terminal runs by completion instant; live runs never enter this index.
CREATE INDEX runs_expirable ON runs (completed_at_ts)
  WHERE status IN ('completed', 'failed', 'cancelled');

ALTER TABLE idempotency_records ADD COLUMN created_at_ts timestamptz;
UPDATE idempotency_records SET created_at_ts = created_at::timestamptz;
ALTER TABLE idempotency_records ALTER COLUMN created_at_ts SET NOT NULL;

CREATE INDEX idempotency_records_by_created ON idempotency_records (created_at_ts);
