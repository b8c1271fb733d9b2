import type { IdempotencyRecord, RunEvent, RunRecord, RunTombstone, SuspensionRecord } from "@openwop/storage";

/** One run as the memory adapter holds it: the record, its log and its suspensions. */
export interface StoredRun {
  record: RunRecord;
  /** Epoch of the latest acquisition. Kept after a release, so the next acquisition gets a higher one. */
  claimEpoch: number;
  events: RunEvent[];
  suspensions: Map<string, SuspensionRecord>;
}

/** Everything the memory adapter stores. Values are never shared with callers (see `copy.ts`). */
export class MemoryState {
  readonly runs = new Map<string, StoredRun>();
  /** Which run owns each suspension id, because suspension ids are unique across runs. */
  readonly suspensionOwners = new Map<string, string>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly tombstones = new Map<string, RunTombstone>();

  /** The run, when it exists and, if `tenantId` is given, belongs to that tenant: another tenant's run is missing. */
  runOf(runId: string, tenantId: string | undefined): StoredRun | undefined {
    const stored = this.runs.get(runId);
    return stored && (tenantId === undefined || stored.record.tenantId === tenantId) ? stored : undefined;
  }

  deleteRun(runId: string): StoredRun | undefined {
    const stored = this.runs.get(runId);
    if (!stored) return undefined;
    for (const suspensionId of stored.suspensions.keys()) this.suspensionOwners.delete(suspensionId);
    this.runs.delete(runId);
    return stored;
  }
}
