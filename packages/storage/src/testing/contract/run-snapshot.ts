import type { StorageAdapter } from "../../adapter.js";
import type { RunEvent, RunRecord, SuspensionRecord } from "../../records.js";

/** Everything storage holds about one run, to prove a rejected step left no trace. */
export interface StoredRunState {
  run: RunRecord | null;
  events: RunEvent[];
  suspensions: SuspensionRecord[];
}

export async function readStoredRunState(adapter: StorageAdapter, runId: string): Promise<StoredRunState> {
  const suspensions = await adapter.listSuspensions(runId);
  return {
    run: await adapter.getRun(runId),
    events: await adapter.readEvents(runId, { limit: 10_000 }),
    suspensions: [...suspensions].sort((a, b) => a.suspensionId.localeCompare(b.suspensionId)),
  };
}
