import type { RunClaim, RunStatus } from "@openwop/storage";
import { CLAIMABLE_SQL } from "./claimable.js";
import { WORK_CHANNEL } from "./channels.js";
import type { Database } from "./database.js";

/**
 * Claims (leases). The claim columns live on the run row, so a claim and the run's
 * status change under the same row lock, and fencing is checked in the step's own
 * transaction (see commit-step.ts).
 */

/**
 * The one compare-and-set that acquires a claim, fresh or stale alike: there is no
 * separate steal path, and expiry is the only authority to take a claim over. The epoch
 * increments on every acquisition, so the previous holder's fence stops matching.
 * A claim counts as expired from the instant `expiresAt` itself (`<=`), as the contract
 * kit pins it.
 */
const CLAIM_RUN_SQL = `
UPDATE runs SET
  claim_holder_id = $2::text,
  claim_expires_at = $4::bigint + $3::bigint,
  claim_epoch = claim_epoch + 1
WHERE run_id = $1::text
  AND status IN ${CLAIMABLE_SQL}
  AND (claim_holder_id IS NULL OR claim_expires_at <= $4::bigint)
RETURNING claim_epoch, claim_expires_at`;

export async function claimRun(
  database: Database,
  runId: string,
  holderId: string,
  ttlMs: number,
  now: number,
): Promise<RunClaim | null> {
  const result = await database.once<{ claim_epoch: number; claim_expires_at: string }>("claiming a run", {
    name: "openwop_claim_run",
    text: CLAIM_RUN_SQL,
    values: [runId, holderId, Math.round(ttlMs), Math.round(now)],
  });
  const row = result.rows[0];
  return row ? { holderId, expiresAt: Number(row.claim_expires_at), epoch: row.claim_epoch } : null;
}

/**
 * Renewal is scoped to the holder, so it can never extend somebody else's claim. It also
 * renews a claim of ours that expired without anyone taking it: the epoch is unchanged,
 * so no other process can have written under it in between.
 */
export async function renewClaims(database: Database, holderId: string, ttlMs: number, now: number): Promise<string[]> {
  const result = await database.idempotent<{ run_id: string }>("renewing claims", {
    name: "openwop_renew_claims",
    text: "UPDATE runs SET claim_expires_at = $2::bigint + $3::bigint WHERE claim_holder_id = $1::text RETURNING run_id",
    values: [holderId, Math.round(now), Math.round(ttlMs)],
  });
  return result.rows.map((row) => row.run_id);
}

/** Released runs that are still claimable wake the workers watching for work. */
const RELEASE_CLAIMS_SQL = `
WITH released AS (
  UPDATE runs SET claim_holder_id = NULL, claim_expires_at = NULL
  WHERE claim_holder_id = $1::text AND ($2::text[] IS NULL OR run_id = ANY($2::text[]))
  RETURNING run_id, status
)
SELECT pg_notify('${WORK_CHANNEL}', run_id) FROM released WHERE status IN ${CLAIMABLE_SQL}`;

export async function releaseClaims(database: Database, holderId: string, runIds?: string[]): Promise<void> {
  if (runIds && runIds.length === 0) return;
  await database.idempotent("releasing claims", {
    name: "openwop_release_claims",
    text: RELEASE_CLAIMS_SQL,
    values: [holderId, runIds ? [...runIds] : null],
  });
}

/**
 * Candidates for claimRun, oldest first.
 *
 * The statement is its own short transaction. FOR UPDATE SKIP LOCKED makes it pass over
 * rows another session holds right now (a worker mid-claim, a step mid-commit) instead of
 * queueing behind them, so listing workers never block each other or the writers. The
 * row locks end with the statement, though, so the list reserves nothing: two workers
 * may list the same run a moment apart. Ownership is decided only by claimRun's
 * compare-and-set, and a worker that loses it simply moves on to the next candidate.
 */
const LIST_CLAIMABLE_SQL = `
SELECT run_id FROM runs
WHERE status IN ${CLAIMABLE_SQL}
  AND (claim_holder_id IS NULL OR claim_expires_at <= $1::bigint)
ORDER BY created_at, run_id
LIMIT $2
FOR UPDATE SKIP LOCKED`;

export async function listClaimableRuns(database: Database, now: number, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const result = await database.idempotent<{ run_id: string }>("listing claimable runs", {
    name: "openwop_list_claimable",
    text: LIST_CLAIMABLE_SQL,
    values: [Math.round(now), Math.floor(limit)],
  });
  return result.rows.map((row) => row.run_id);
}

export async function countRunsByStatus(database: Database): Promise<Partial<Record<RunStatus, number>>> {
  const result = await database.idempotent<{ status: RunStatus; count: number }>("counting runs", {
    name: "openwop_count_runs",
    text: "SELECT status, count(*)::integer AS count FROM runs GROUP BY status",
  });
  const counts: Partial<Record<RunStatus, number>> = {};
  for (const row of result.rows) counts[row.status] = row.count;
  return counts;
}
