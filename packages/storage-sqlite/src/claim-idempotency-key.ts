import type { IdempotencyClaim, IdempotencyRecord } from "@openwop/storage";
import { idempotencyFromRow } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * Insert-if-absent, or take over an expired pending lease, in one upsert whose `WHERE`
 * is the compare-and-set. The loser reads the winner's record in the same transaction,
 * so it always sees the record that beat it.
 */
export function writeIdempotencyClaim(
  statements: Statements,
  record: IdempotencyRecord,
  now: number,
): IdempotencyClaim {
  const written = statements.claimIdempotencyKey.run({
    recordKey: record.recordKey,
    tenantId: record.tenantId,
    endpoint: record.endpoint,
    requestDigest: record.requestDigest,
    state: record.state,
    leaseExpiresAt: record.leaseExpiresAt,
    responseJson: record.response === null ? null : JSON.stringify(record.response),
    createdAt: record.createdAt,
    now,
  });
  if (written.changes === 1) return { outcome: "claimed", record: structuredClone(record) };
  const existing = statements.selectIdempotency.get(record.recordKey);
  if (!existing) throw new Error(`idempotency record ${record.recordKey} vanished inside its own transaction`);
  return { outcome: "existing", record: idempotencyFromRow(existing) };
}
