import type { Statements } from "./statements.js";

/*
 * Retention writes, run inside the group commit's transaction. A batch is at most `limit`
 * runs, so a sweep never holds the write lock for long however much has piled up; the
 * tombstone is written in the same transaction as the delete, so no run vanishes without one.
 */

export function writeRunsExpiry(
  statements: Statements,
  completedBefore: string,
  limit: number,
  expiredAt: string,
): string[] {
  const expirable = statements.selectExpirableRuns.all(completedBefore, Math.max(0, limit));
  for (const run of expirable) {
    statements.insertTombstone.run(run.run_id, run.tenant_id, expiredAt);
    statements.deleteRun.run(run.run_id);
  }
  return expirable.map((run) => run.run_id);
}

/** With `onlyTenant`, another tenant's run is left alone, exactly as a missing one: the check runs under the write lock. */
export function writeRunExpiry(statements: Statements, runId: string, expiredAt: string, onlyTenant?: string): boolean {
  const tenantId = statements.selectRunTenant.get(runId);
  if (tenantId === undefined || (onlyTenant !== undefined && tenantId !== onlyTenant)) return false;
  statements.insertTombstone.run(runId, tenantId, expiredAt);
  statements.deleteRun.run(runId);
  return true;
}
