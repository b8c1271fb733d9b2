import type { RunClaim, RunRecord, RunStatus } from "@openwop/storage";

/** Statuses a worker may execute. `paused` waits for an operator, `waiting-*` for a human or an event. */
export const CLAIMABLE_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(["pending", "running", "cancelling"]);

/** A lease expiring at `expiresAt` is no longer held from that instant on. */
export function isExpired(expiresAt: number, now: number): boolean {
  return expiresAt <= now;
}

function isFree(claim: RunClaim | null, now: number): boolean {
  return claim === null || isExpired(claim.expiresAt, now);
}

/** Whether a worker may claim the run at `now`: a claimable status, and unclaimed or expired. */
export function isClaimable(run: RunRecord, now: number): boolean {
  return CLAIMABLE_STATUSES.has(run.status) && isFree(run.claim, now);
}
