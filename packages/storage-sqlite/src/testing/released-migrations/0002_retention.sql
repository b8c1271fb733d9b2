-- 0002: retention. Expired runs leave a tombstone so reads answer 410 Gone instead of
-- 404, and the sweeper finds expirable runs through an index instead of a table scan.

CREATE TABLE run_tombstones (
  run_id     TEXT NOT NULL PRIMARY KEY,
  tenant_id  TEXT NOT NULL,
  expired_at TEXT NOT NULL
) STRICT;

-- Terminal runs by completion time, oldest first: each sweep batch is one range scan.
CREATE INDEX runs_expirable ON runs (completed_at, run_id)
  WHERE status IN ('completed', 'failed', 'cancelled');
