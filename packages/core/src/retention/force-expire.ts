import type { RunRecord, StorageAdapter } from "@openwop/storage";
import { isTerminalStatus } from "@openwop/types";
import { ProtocolError } from "../errors.js";

/** What the force-expire seam answers. */
export interface ExpiredRun {
  runId: string;
  /** When the run was removed, as recorded in its tombstone. */
  expiredAt: string;
}

/**
 * Removes one run now, exactly as a retention sweep would: same storage operation, same
 * tombstone. Retention never removes a run that has not finished (production profile P4.2),
 * so neither does the seam. A terminal status is final, so the check cannot go stale before
 * the delete.
 *
 * Resolves to null when the run disappeared between the caller's read and the delete (a sweep
 * or another force-expire got there first); the caller answers from the tombstone then.
 */
export async function forceExpireRun(store: StorageAdapter, run: RunRecord, now: number): Promise<ExpiredRun | null> {
  if (!isTerminalStatus(run.status)) {
    throw new ProtocolError(
      "run_not_terminal",
      `run ${run.runId} has not finished; only finished runs can be expired`,
      {
        status: run.status,
      },
    );
  }
  const expiredAt = new Date(now).toISOString();
  return (await store.expireRun(run.runId, expiredAt, run.tenantId)) ? { runId: run.runId, expiredAt } : null;
}
