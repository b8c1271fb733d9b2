import type { RunListQuery, RunRecord, RunSummary } from "@openwop/storage";
import { copy } from "./copy.js";

/** Newest first: `createdAt` descending, then `runId` descending, as every adapter orders a listing. */
function newestFirst(a: RunRecord, b: RunRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.runId === b.runId ? 0 : a.runId < b.runId ? 1 : -1;
}

function matches(run: RunRecord, query: RunListQuery): boolean {
  const { after } = query;
  return (
    run.tenantId === query.tenantId &&
    (query.status === undefined || run.status === query.status) &&
    (query.workflowId === undefined || run.workflowId === query.workflowId) &&
    (query.tag === undefined || run.tags.includes(query.tag)) &&
    (query.createdAfter === undefined || run.createdAt > query.createdAfter) &&
    (query.createdBefore === undefined || run.createdAt < query.createdBefore) &&
    (after === undefined ||
      run.createdAt < after.createdAt ||
      (run.createdAt === after.createdAt && run.runId < after.id))
  );
}

/**
 * A page of {@link RunListQuery} over every stored run. A scan and a sort: the memory
 * adapter serves tests and demos, where the store never holds enough runs to need an index.
 */
export function listRunSummaries(runs: Iterable<RunRecord>, query: RunListQuery): RunSummary[] {
  const page: RunRecord[] = [];
  for (const run of runs) if (matches(run, query)) page.push(run);
  return page
    .sort(newestFirst)
    .slice(0, Math.max(0, query.limit))
    .map((run) => ({
      runId: run.runId,
      tenantId: run.tenantId,
      workflowId: run.workflowId,
      status: run.status,
      tags: copy(run.tags),
      currentNodeId: run.currentNodeId,
      error: run.error === null ? null : copy(run.error),
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      completedAt: run.completedAt,
      updatedAt: run.updatedAt,
    }));
}
