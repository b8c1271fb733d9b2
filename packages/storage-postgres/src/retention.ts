import type { RunTombstone } from "@openwop/storage";
import { TERMINAL_SQL } from "./claimable.js";
import type { Database } from "./database.js";
import { tombstoneFromRow, type TombstoneRow } from "./rows.js";

/**
 * Retention: a run's row, events, suspensions and webhook deliveries go (all but the row by
 * ON DELETE CASCADE, the deliveries' attempts with them)
 * and a tombstone stays, in the same statement, so a reader sees either the run or its
 * tombstone, never neither. SKIP LOCKED leaves runs that a writer holds right now for the
 * next sweep, and lets two sweepers share the work without waiting on each other.
 */
const EXPIRE_RUNS_SQL = `
WITH victims AS (
  SELECT run_id, tenant_id FROM runs
  WHERE status IN ${TERMINAL_SQL} AND completed_at_ts < $1::text::timestamptz
  ORDER BY completed_at_ts
  LIMIT $2
  FOR UPDATE SKIP LOCKED
),
tombstones AS (
  INSERT INTO run_tombstones (run_id, tenant_id, expired_at)
  SELECT run_id, tenant_id, $3::text FROM victims
  ON CONFLICT (run_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, expired_at = EXCLUDED.expired_at
)
DELETE FROM runs USING victims WHERE runs.run_id = victims.run_id
RETURNING runs.run_id`;

export async function expireRuns(
  database: Database,
  completedBefore: string,
  limit: number,
  expiredAt: string,
): Promise<string[]> {
  if (limit <= 0) return [];
  const result = await database.once<{ run_id: string }>("expiring runs", {
    name: "openwop_expire_runs",
    text: EXPIRE_RUNS_SQL,
    values: [completedBefore, Math.floor(limit), expiredAt],
  });
  return result.rows.map((row) => row.run_id);
}

/** The force-expire seam: whatever the run's age or status; with a tenant, only that tenant's run. */
const EXPIRE_RUN_SQL = `
WITH victim AS (
  SELECT run_id, tenant_id FROM runs WHERE run_id = $1::text AND ($3::text IS NULL OR tenant_id = $3::text) FOR UPDATE
),
tombstone AS (
  INSERT INTO run_tombstones (run_id, tenant_id, expired_at)
  SELECT run_id, tenant_id, $2::text FROM victim
  ON CONFLICT (run_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, expired_at = EXCLUDED.expired_at
)
DELETE FROM runs USING victim WHERE runs.run_id = victim.run_id
RETURNING runs.run_id`;

export async function expireRun(
  database: Database,
  runId: string,
  expiredAt: string,
  tenantId?: string,
): Promise<boolean> {
  const result = await database.once("expiring a run", {
    name: "openwop_expire_run",
    text: EXPIRE_RUN_SQL,
    values: [runId, expiredAt, tenantId ?? null],
  });
  return (result.rowCount ?? 0) > 0;
}

export async function getTombstone(database: Database, runId: string, tenantId?: string): Promise<RunTombstone | null> {
  const result = await database.idempotent<TombstoneRow>("reading a tombstone", {
    name: "openwop_get_tombstone",
    text: `SELECT run_id, tenant_id, expired_at FROM run_tombstones
           WHERE run_id = $1::text AND ($2::text IS NULL OR tenant_id = $2::text)`,
    values: [runId, tenantId ?? null],
  });
  const row = result.rows[0];
  return row ? tombstoneFromRow(row) : null;
}
