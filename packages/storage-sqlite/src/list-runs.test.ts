import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FILTERS, type Filter, listingSql } from "./list-runs.js";
import { loadMigrations, migrate } from "./migrations.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

/** Every combination of the listing's filters: 2⁶ shapes, each its own statement. */
function everyShape(): Set<Filter>[] {
  return Array.from({ length: 2 ** FILTERS.length }, (_, bits) => new Set(FILTERS.filter((_, i) => bits & (1 << i))));
}

const PARAMS = {
  tenantId: "t",
  status: "running",
  workflowId: "wf",
  tag: "x",
  createdAfter: "2030-01-01T00:00:00.000Z",
  createdBefore: "2031-01-01T00:00:00.000Z",
  afterCreatedAt: "2030-06-01T00:00:00.000Z",
  afterRunId: "run-1",
  limit: 50,
};

/*
 * What makes a page cost the same at 100 000 runs as at 100 (storage-adapters.md §16): the
 * planner reaches the rows through an index that already yields them in page order, so it
 * never scans a table and never sorts. Checked on the plan, not with a clock.
 */
describe("SQLite run listing plans", () => {
  let directory: TempDirectory;
  let db: Database.Database;

  beforeEach(() => {
    directory = createTempDirectory();
    const path = directory.file("plans.db");
    db = new Database(path);
    migrate(db, loadMigrations(), path);
  });
  afterEach(() => {
    db.close();
    directory.remove();
  });

  it.each(everyShape().map((shape) => [[...shape].join("+") || "(no filter)", shape] as const))(
    "%s reads through an index in page order: no table scan, no sort",
    (_, shape) => {
      const sql = listingSql(shape);
      const used = sql.match(/@\w+/g)?.map((name) => name.slice(1)) ?? [];
      const params = Object.fromEntries(Object.entries(PARAMS).filter(([name]) => used.includes(name)));
      const plan = db
        .prepare<Record<string, string | number>, { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params)
        .map((row) => row.detail);
      expect(plan.join("\n")).not.toMatch(/\bSCAN\b/);
      expect(plan.join("\n")).not.toMatch(/TEMP B-TREE/);
      expect(
        plan.some((detail) => /^SEARCH (r|t) USING (COVERING )?INDEX|^SEARCH t USING PRIMARY KEY/.test(detail)),
      ).toBe(true);
    },
  );
});
