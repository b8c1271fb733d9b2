import type { RunError, RunListQuery, RunStatus, RunSummary } from "@openwop/storage";
import type { Database } from "./database.js";

/** The columns a listing reads: a summary, never the definition, inputs or engine state. */
interface RunSummaryRow {
  run_id: string;
  tenant_id: string;
  workflow_id: string;
  status: RunStatus;
  tags: string[];
  current_node_id: string | null;
  error: RunError | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
}

const SUMMARY_COLUMNS = `r.run_id, r.tenant_id, r.workflow_id, r.status, r.tags, r.current_node_id, r.error,
  r.created_at, r.started_at, r.completed_at, r.updated_at`;

export type Filter = "status" | "workflowId" | "tag" | "createdAfter" | "createdBefore" | "after";
export const FILTERS: readonly Filter[] = ["status", "workflowId", "tag", "createdAfter", "createdBefore", "after"];

/**
 * The statement for one combination of filters, named by it so Postgres plans each shape
 * once per connection (at most 2⁶ of them). With a tag the tag rows drive the query, their
 * primary key being tenant, tag, then creation order; otherwise the runs table through an
 * index of migration 0005. Order and comparisons are COLLATE "C", as those indexes are.
 */
export function listingQuery(query: RunListQuery): { name: string; text: string; values: unknown[] } {
  const present = new Set(FILTERS.filter((filter) => query[filter] !== undefined));
  const values: unknown[] = [query.tenantId, Math.max(0, Math.floor(query.limit))];
  const parameter = (value: unknown): string => {
    values.push(value);
    return `$${values.length}::text`;
  };
  const byTag = query.tag !== undefined;
  // run_tags.run_id is COLLATE "C" and runs.run_id is not: left alone, the join compares
  // under "C", which runs_pkey (default collation) cannot serve, so Postgres hash-joins every
  // run (about 290 ms a page at 100 000 runs, `pnpm bench --workloads runs-list`). Equality is
  // the same bytes under either collation; asking for the default one lets each tag row fetch
  // its run through the primary key.
  const source = byTag ? 'run_tags AS t JOIN runs AS r ON r.run_id = t.run_id COLLATE "default"' : "runs AS r";
  const created = `${byTag ? "t.created_at" : 'r.created_at COLLATE "C"'}`;
  const runId = `${byTag ? "t.run_id" : 'r.run_id COLLATE "C"'}`;
  const conditions = [byTag ? `t.tenant_id = $1::text AND t.tag = ${parameter(query.tag)}` : "r.tenant_id = $1::text"];
  if (query.status !== undefined) conditions.push(`r.status = ${parameter(query.status)}`);
  if (query.workflowId !== undefined) conditions.push(`r.workflow_id = ${parameter(query.workflowId)}`);
  if (query.createdAfter !== undefined) conditions.push(`${created} > ${parameter(query.createdAfter)}`);
  if (query.createdBefore !== undefined) conditions.push(`${created} < ${parameter(query.createdBefore)}`);
  if (query.after !== undefined) {
    conditions.push(`(${created}, ${runId}) < (${parameter(query.after.createdAt)}, ${parameter(query.after.id)})`);
  }
  return {
    name: `openwop_list_runs_${FILTERS.map((filter) => (present.has(filter) ? "1" : "0")).join("")}`,
    text: `SELECT ${SUMMARY_COLUMNS} FROM ${source}
      WHERE ${conditions.join(" AND ")}
      ORDER BY ${created} DESC, ${runId} DESC
      LIMIT $2::integer`,
    values,
  };
}

/** One page of a tenant's runs (storage-adapters.md §16); a read, so safe to retry. */
export async function listRuns(database: Database, query: RunListQuery): Promise<RunSummary[]> {
  if (query.limit <= 0) return [];
  const result = await database.idempotent<RunSummaryRow>("listing runs", listingQuery(query));
  return result.rows.map((row) => ({
    runId: row.run_id,
    tenantId: row.tenant_id,
    workflowId: row.workflow_id,
    status: row.status,
    tags: row.tags,
    currentNodeId: row.current_node_id,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
  }));
}
