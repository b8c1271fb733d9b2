-- 0005: listing a tenant's runs, newest first, by status, workflow, tag and creation time
-- (storage SPI 3.0.0, storage-adapters.md §16; GET /v1/runs, RFC 0013).
--
-- Pages are ordered by (created_at, run_id) in code-unit order, as every adapter orders them,
-- so the indexes carry COLLATE "C" and the queries (src/list-runs.ts) ask for the same. Each
-- index leads with the tenant, so a page is one index range read backwards from the cursor
-- that stops at LIMIT, however many runs are stored.
CREATE INDEX runs_by_tenant ON runs (tenant_id, created_at COLLATE "C", run_id COLLATE "C");
CREATE INDEX runs_by_tenant_status ON runs (tenant_id, status, created_at COLLATE "C", run_id COLLATE "C");
CREATE INDEX runs_by_tenant_workflow ON runs (tenant_id, workflow_id, created_at COLLATE "C", run_id COLLATE "C");

-- Tags live in a json array, which no btree can reach into; a run's tags never change after
-- creation, so one row per (run, tag), written in the statement that creates the run, is the
-- tag index. It goes with the run when retention deletes it.
CREATE TABLE run_tags (
  tenant_id  text NOT NULL,
  tag        text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  run_id     text COLLATE "C" NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  PRIMARY KEY (tenant_id, tag, created_at, run_id)
);

-- The cascade finds a deleted run's tags through this index instead of scanning the table.
CREATE INDEX run_tags_by_run ON run_tags (run_id);

INSERT INTO run_tags (tenant_id, tag, created_at, run_id)
SELECT r.tenant_id, t.tag, r.created_at, r.run_id
FROM runs AS r, json_array_elements_text(r.tags) AS t (tag)
WHERE json_typeof(r.tags) = 'array'
ON CONFLICT DO NOTHING;
