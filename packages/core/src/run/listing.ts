import type { CreatedCursor, RunListQuery, RunSummary, StorageAdapter } from "@openwop/storage";
import type { RunSummary as RunSummaryBody } from "@openwop/types";

/** The filters of `GET /v1/runs` (core.md §6.9), already parsed and normalised. */
export type RunFilter = Omit<RunListQuery, "tenantId" | "limit" | "after">;

/** One page of a listing, and where the next begins (null on the last page). */
export interface RunPage {
  runs: RunSummaryBody[];
  next: CreatedCursor | null;
}

/** The wire form of a listed run: absent members rather than nulls, as in the snapshot. */
export function toRunSummaryBody(run: RunSummary): RunSummaryBody {
  return {
    runId: run.runId,
    workflowId: run.workflowId,
    status: run.status,
    createdAt: run.createdAt,
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.completedAt ? { completedAt: run.completedAt } : {}),
    ...(run.currentNodeId ? { currentNodeId: run.currentNodeId } : {}),
    tags: run.tags,
    ...(run.error ? { error: run.error } : {}),
  };
}

/**
 * One page of a tenant's runs, newest first. One run more than the page is read, so the
 * last page says so itself instead of sending the client for an empty one.
 */
export async function listRunPage(
  store: StorageAdapter,
  tenantId: string,
  filter: RunFilter,
  limit: number,
  after: CreatedCursor | undefined,
): Promise<RunPage> {
  const found = await store.listRuns({ ...filter, tenantId, limit: limit + 1, ...(after ? { after } : {}) });
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    runs: page.map(toRunSummaryBody),
    next: found.length > limit && last ? { createdAt: last.createdAt, id: last.runId } : null,
  };
}
