import type Database from "better-sqlite3";
import type { RunError, RunListQuery, RunStatus, RunSummary } from "@openwop/storage";

/** The columns a listing reads: a summary, never the definition, inputs or engine state. */
interface RunSummaryRow {
  run_id: string;
  tenant_id: string;
  workflow_id: string;
  status: string;
  tags_json: string;
  current_node_id: string | null;
  error_json: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
}

const SUMMARY_COLUMNS = `r.run_id, r.tenant_id, r.workflow_id, r.status, r.tags_json, r.current_node_id,
  r.error_json, r.created_at, r.started_at, r.completed_at, r.updated_at`;

export type Filter = "status" | "workflowId" | "tag" | "createdAfter" | "createdBefore" | "after";
export const FILTERS: readonly Filter[] = ["status", "workflowId", "tag", "createdAfter", "createdBefore", "after"];

/**
 * The statement for one combination of filters. With a tag the tag rows drive the query
 * (their primary key is already tenant, tag, then creation order); otherwise the runs
 * table, through the index of migration 0005 that leads with the tenant and the most
 * selective equality given. Either way the rows come out in page order and stop at LIMIT.
 */
export function listingSql(present: ReadonlySet<Filter>): string {
  const source = present.has("tag") ? "run_tags AS t JOIN runs AS r ON r.run_id = t.run_id" : "runs AS r";
  const order = present.has("tag") ? "t" : "r";
  const conditions = [present.has("tag") ? "t.tenant_id = @tenantId AND t.tag = @tag" : "r.tenant_id = @tenantId"];
  if (present.has("status")) conditions.push("r.status = @status");
  if (present.has("workflowId")) conditions.push("r.workflow_id = @workflowId");
  if (present.has("createdAfter")) conditions.push(`${order}.created_at > @createdAfter`);
  if (present.has("createdBefore")) conditions.push(`${order}.created_at < @createdBefore`);
  if (present.has("after")) conditions.push(`(${order}.created_at, ${order}.run_id) < (@afterCreatedAt, @afterRunId)`);
  return `SELECT ${SUMMARY_COLUMNS} FROM ${source}
    WHERE ${conditions.join(" AND ")}
    ORDER BY ${order}.created_at DESC, ${order}.run_id DESC
    LIMIT @limit`;
}

/**
 * Prepares listing statements as filter combinations are first used and keeps them: there
 * are at most 2⁶ combinations, so the cache is bounded by construction.
 */
export class RunListing {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement<Record<string, string | number>, RunSummaryRow>>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  list(query: RunListQuery): RunSummary[] {
    const present = new Set(FILTERS.filter((filter) => query[filter] !== undefined));
    const shape = FILTERS.map((filter) => (present.has(filter) ? "1" : "0")).join("");
    let statement = this.#statements.get(shape);
    if (statement === undefined) {
      statement = this.#db.prepare(listingSql(present));
      this.#statements.set(shape, statement);
    }
    const params: Record<string, string | number> = {
      tenantId: query.tenantId,
      // SQLite treats a negative LIMIT as "no limit"; the SPI means "nothing".
      limit: Math.max(0, query.limit),
    };
    if (query.status !== undefined) params["status"] = query.status;
    if (query.workflowId !== undefined) params["workflowId"] = query.workflowId;
    if (query.tag !== undefined) params["tag"] = query.tag;
    if (query.createdAfter !== undefined) params["createdAfter"] = query.createdAfter;
    if (query.createdBefore !== undefined) params["createdBefore"] = query.createdBefore;
    if (query.after !== undefined) {
      params["afterCreatedAt"] = query.after.createdAt;
      params["afterRunId"] = query.after.id;
    }
    return statement.all(params).map(summaryFromRow);
  }
}

function summaryFromRow(row: RunSummaryRow): RunSummary {
  return {
    runId: row.run_id,
    tenantId: row.tenant_id,
    workflowId: row.workflow_id,
    status: row.status as RunStatus,
    tags: JSON.parse(row.tags_json) as string[],
    currentNodeId: row.current_node_id,
    error: row.error_json === null ? null : (JSON.parse(row.error_json) as RunError),
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
  };
}
