import type { IdempotencyClaim, IdempotencyRecord, IdempotentResponse } from "@openwop/storage";
import type { Database } from "./database.js";
import { IDEMPOTENCY_COLUMNS, idempotencyFromRow, type IdempotencyRow } from "./rows.js";

/** Layer-1 HTTP idempotency records. */

/**
 * Insert-if-absent, or take over a pending record whose lease expired, in one statement.
 * ON CONFLICT makes the insert wait for a concurrent inserter of the same key and then
 * see its row, so two racing callers cannot both claim. When neither branch wrote, the
 * second SELECT returns the existing row with `claimed = false`. A lease is over from the
 * instant `leaseExpiresAt` itself, like a claim.
 */
const CLAIM_SQL = `
WITH claimed AS (
  INSERT INTO idempotency_records AS existing (${IDEMPOTENCY_COLUMNS}, created_at_ts)
  VALUES ($1::text, $2::text, $3::text, $4::text, 'pending', $5::bigint, NULL, $6::text, $6::text::timestamptz)
  ON CONFLICT (record_key) DO UPDATE SET
    tenant_id = EXCLUDED.tenant_id,
    endpoint = EXCLUDED.endpoint,
    request_digest = EXCLUDED.request_digest,
    state = 'pending',
    lease_expires_at = EXCLUDED.lease_expires_at,
    response = NULL,
    created_at = EXCLUDED.created_at,
    created_at_ts = EXCLUDED.created_at_ts
  WHERE existing.state = 'pending' AND existing.lease_expires_at <= $7::bigint
  RETURNING ${IDEMPOTENCY_COLUMNS}
)
SELECT ${IDEMPOTENCY_COLUMNS}, true AS claimed FROM claimed
UNION ALL
SELECT ${IDEMPOTENCY_COLUMNS}, false AS claimed FROM idempotency_records
WHERE record_key = $1::text AND NOT EXISTS (SELECT 1 FROM claimed)`;

/** How often to re-ask when the existing record vanished (released) between conflict and read. */
const CLAIM_ATTEMPTS = 5;

export async function claimIdempotencyKey(
  database: Database,
  record: IdempotencyRecord,
  now: number,
): Promise<IdempotencyClaim> {
  for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
    const result = await database.once<IdempotencyRow & { claimed: boolean }>("claiming an idempotency key", {
      name: "openwop_claim_idempotency",
      text: CLAIM_SQL,
      values: [
        record.recordKey,
        record.tenantId,
        record.endpoint,
        record.requestDigest,
        Math.round(record.leaseExpiresAt),
        record.createdAt,
        Math.round(now),
      ],
    });
    const row = result.rows[0];
    // No row: the conflicting record was deleted, or committed after this statement's
    // snapshot, between the insert's check and the read. Asking again settles it.
    if (!row) continue;
    // An "existing" record that could be taken over now is one this statement's snapshot
    // saw before a concurrent takeover committed (the takeover's UPDATE saw the new lease,
    // the read did not). Asking again reads the record that won.
    if (!row.claimed && row.state === "pending" && Number(row.lease_expires_at) <= Math.round(now)) continue;
    return { outcome: row.claimed ? "claimed" : "existing", record: idempotencyFromRow(row) };
  }
  throw new Error(`idempotency key ${record.recordKey} kept changing under ${CLAIM_ATTEMPTS} claim attempts`);
}

export async function getIdempotencyRecord(database: Database, recordKey: string): Promise<IdempotencyRecord | null> {
  const result = await database.idempotent<IdempotencyRow>("reading an idempotency record", {
    name: "openwop_get_idempotency",
    text: `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency_records WHERE record_key = $1`,
    values: [recordKey],
  });
  const row = result.rows[0];
  return row ? idempotencyFromRow(row) : null;
}

export async function completeIdempotencyKey(
  database: Database,
  recordKey: string,
  response: IdempotentResponse,
): Promise<void> {
  await database.idempotent("completing an idempotency key", {
    name: "openwop_complete_idempotency",
    text: "UPDATE idempotency_records SET state = 'completed', response = $2::json WHERE record_key = $1::text",
    values: [recordKey, JSON.stringify(response)],
  });
}

/** Only a pending record is released: a completed answer is never thrown away by a late caller. */
export async function releaseIdempotencyKey(database: Database, recordKey: string): Promise<void> {
  await database.idempotent("releasing an idempotency key", {
    name: "openwop_release_idempotency",
    text: "DELETE FROM idempotency_records WHERE record_key = $1::text AND state = 'pending'",
    values: [recordKey],
  });
}

export async function purgeIdempotencyRecords(database: Database, createdBefore: string): Promise<number> {
  const result = await database.once("purging idempotency records", {
    name: "openwop_purge_idempotency",
    text: "DELETE FROM idempotency_records WHERE created_at_ts < $1::text::timestamptz",
    values: [createdBefore],
  });
  return result.rowCount ?? 0;
}
