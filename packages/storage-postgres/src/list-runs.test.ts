import pg from "pg";
import type { RunListQuery } from "@openwop/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILTERS, listingQuery } from "./list-runs.js";
import { migrate } from "./migrations.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

let pgServer: TestPostgres;
let client: pg.Client;

beforeAll(async () => {
  pgServer = await startTestPostgres();
  client = new pg.Client({ connectionString: await pgServer.freshDatabase() });
  await client.connect();
  await migrate(client);
  // An empty table makes any plan cheap; with these off, a plan that needs a scan or a sort
  // still shows one, so the test sees what the indexes can and cannot serve.
  await client.query("SET enable_seqscan = off");
  await client.query("SET enable_sort = off");
  await client.query("SET enable_bitmapscan = off");
});

afterAll(async () => {
  await client?.end();
  await pgServer?.stop();
});

const SAMPLE: Omit<RunListQuery, "tenantId" | "limit"> = {
  status: "running",
  workflowId: "wf",
  tag: "x",
  createdAfter: "2030-01-01T00:00:00.000Z",
  createdBefore: "2031-01-01T00:00:00.000Z",
  after: { createdAt: "2030-06-01T00:00:00.000Z", id: "run-1" },
};

/** Every combination of the listing's filters: 2⁶ shapes, each its own named statement. */
function everyShape(): Array<[string, RunListQuery]> {
  return Array.from({ length: 2 ** FILTERS.length }, (_, bits) => {
    const chosen = FILTERS.filter((_, index) => bits & (1 << index));
    const query: RunListQuery = { tenantId: "t", limit: 50 };
    for (const filter of chosen) Object.assign(query, { [filter]: SAMPLE[filter] });
    return [chosen.join("+") || "(no filter)", query];
  });
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/*
 * What makes a page cost the same at 100 000 runs as at 100 (storage-adapters.md §16): every
 * shape reaches rows through an index that yields them in page order (COLLATE "C" in both the
 * indexes and the query), so the plan has no sequential scan and no sort. Checked on the
 * plan, not with a clock.
 */
describe("Postgres run listing plans", () => {
  it.each(everyShape())("%s reads through an index in page order: no table scan, no sort", async (_, query) => {
    const { text, values } = listingQuery(query);
    const result = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (FORMAT JSON) ${text}`,
      values,
    );
    const [explained] = result.rows[0]?.["QUERY PLAN"] ?? [];
    const nodes = explained ? nodesOf(explained.Plan) : [];
    const types = nodes.map((node) => node["Node Type"]);
    expect(types, JSON.stringify(types)).not.toContain("Seq Scan");
    expect(types, JSON.stringify(types)).not.toContain("Sort");
    expect(types, JSON.stringify(types)).not.toContain("Incremental Sort");
    expect(types.some((type) => type === "Index Scan" || type === "Index Only Scan")).toBe(true);
  });
});
