-- 0005: listing a tenant's runs, newest first, by status, workflow, tag and creation time
-- (storage SPI 3.0.0, storage-adapters.md §16; GET /v1/runs, RFC 0013).
--
-- Each index leads with the tenant and ends with (created_at, run_id), so every page is one
-- index range read backwards from the cursor and stops at LIMIT, however many runs are stored.
CREATE INDEX runs_by_tenant ON runs (tenant_id, created_at, run_id);
CREATE INDEX runs_by_tenant_status ON runs (tenant_id, status, created_at, run_id);
CREATE INDEX runs_by_tenant_workflow ON runs (tenant_id, workflow_id, created_at, run_id);

-- Tags live in a JSON array, which no index can reach into; a run's tags never change after
-- creation, so one row per (run, tag), written with the run, is the tag index. It goes with
-- the run when retention deletes it.
CREATE TABLE run_tags (
  tenant_id  TEXT NOT NULL,
  tag        TEXT NOT NULL,
  created_at TEXT NOT NULL,
  run_id     TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  PRIMARY KEY (tenant_id, tag, created_at, run_id)
) STRICT, WITHOUT ROWID;

-- The cascade finds a deleted run's tags through this index instead of scanning the table.
CREATE INDEX run_tags_by_run ON run_tags (run_id);

INSERT OR IGNORE INTO run_tags (tenant_id, tag, created_at, run_id)
SELECT r.tenant_id, t.value, r.created_at, r.run_id
FROM runs AS r, json_each(r.tags_json) AS t
WHERE t.type = 'text';
