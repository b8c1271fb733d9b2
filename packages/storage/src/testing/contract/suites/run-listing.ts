import { describe, expect, it } from "vitest";
import type { RunListQuery, RunSummary } from "../../../records.js";
import { isoAt, type newRun, seedRun, T0 } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

const OWNER = "tenant-a";
const STRANGER = "tenant-b";

export function describeRunListing(harness: AdapterHarness): void {
  const ids = (runs: readonly RunSummary[]): string[] => runs.map((run) => run.runId);
  const list = (query: Omit<RunListQuery, "tenantId" | "limit"> & { limit?: number }) =>
    harness.adapter.listRuns({ tenantId: OWNER, limit: 100, ...query });

  /**
   * Seeds runs `run-<n>` created `n` seconds after T0, in an order that is neither age nor
   * id order, so neither can pass for the listing's order.
   */
  const seedNumbered = async (
    numbers: readonly number[],
    overrides: (n: number) => Parameters<typeof newRun>[0] = () => ({}),
  ): Promise<void> => {
    for (const n of numbers) {
      await seedRun(harness.adapter, {
        runId: `run-${String(n).padStart(3, "0")}`,
        createdAt: isoAt(n * 1_000),
        updatedAt: isoAt(n * 1_000),
        ...overrides(n),
      });
    }
  };
  const named = (...numbers: number[]) => numbers.map((n) => `run-${String(n).padStart(3, "0")}`);

  describe("listRuns", () => {
    it("lists one tenant's runs newest first, as summaries without the definition or engine state", async () => {
      await seedNumbered([3, 1, 4, 2]);
      await seedRun(harness.adapter, { tenantId: STRANGER, createdAt: isoAt(9_000) });
      const page = await list({});
      expect(ids(page)).toEqual(named(4, 3, 2, 1));
      const [newest] = page;
      expect(newest).toEqual({
        runId: "run-004",
        tenantId: OWNER,
        workflowId: "wf-three-nodes",
        status: "pending",
        tags: ["contract"],
        currentNodeId: null,
        error: null,
        createdAt: isoAt(4_000),
        startedAt: null,
        completedAt: null,
        updatedAt: isoAt(4_000),
      });
      expect(Object.keys(newest ?? {})).not.toContain("definition");
      expect(await harness.adapter.listRuns({ tenantId: "tenant-nobody", limit: 100 })).toEqual([]);
    });

    it("breaks ties of createdAt by runId, descending, and pages by cursor without gaps or repeats", async () => {
      for (const suffix of ["b", "d", "a", "c", "e"]) {
        await seedRun(harness.adapter, { runId: `run-same-${suffix}`, createdAt: isoAt(0) });
      }
      await seedNumbered([1]);
      const all = ids(await list({}));
      expect(all).toEqual(["run-001", "run-same-e", "run-same-d", "run-same-c", "run-same-b", "run-same-a"]);

      const seen: string[] = [];
      let after: RunListQuery["after"];
      for (;;) {
        const page = await list({ limit: 2, ...(after ? { after } : {}) });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(2);
        seen.push(...ids(page));
        const last = page.at(-1) as RunSummary;
        after = { createdAt: last.createdAt, id: last.runId };
      }
      expect(seen).toEqual(all);
    });

    it("filters by status, workflow, tag and creation time, alone and together", async () => {
      await seedNumbered([1, 2, 3, 4, 5, 6], (n) => ({
        status: n % 2 === 0 ? "completed" : "running",
        workflowId: n <= 3 ? "wf-early" : "wf-late",
        tags: n % 3 === 0 ? ["team:ops", "priority"] : ["team:dev"],
      }));
      expect(ids(await list({ status: "completed" }))).toEqual(named(6, 4, 2));
      expect(ids(await list({ status: "failed" }))).toEqual([]);
      expect(ids(await list({ workflowId: "wf-late" }))).toEqual(named(6, 5, 4));
      expect(ids(await list({ tag: "team:ops" }))).toEqual(named(6, 3));
      expect(ids(await list({ tag: "priority", status: "running" }))).toEqual(named(3));
      expect(ids(await list({ tag: "team" }))).toEqual([]);
      expect(ids(await list({ createdAfter: isoAt(2_000), createdBefore: isoAt(5_000) }))).toEqual(named(4, 3));
      expect(ids(await list({ workflowId: "wf-early", status: "completed", createdBefore: isoAt(3_000) }))).toEqual(
        named(2),
      );
      expect(
        ids(
          await list({
            tag: "team:dev",
            createdAfter: isoAt(1_000),
            after: { createdAt: isoAt(5_000), id: "run-005" },
          }),
        ),
      ).toEqual(named(4, 2));
    });

    it("keeps tenants apart under every filter, the tag's included", async () => {
      await seedNumbered([1], () => ({ tags: ["shared-tag"], workflowId: "wf-shared" }));
      await seedRun(harness.adapter, {
        tenantId: STRANGER,
        tags: ["shared-tag"],
        workflowId: "wf-shared",
        createdAt: isoAt(2_000),
      });
      expect(ids(await list({ tag: "shared-tag" }))).toEqual(named(1));
      expect(ids(await list({ workflowId: "wf-shared", status: "pending" }))).toEqual(named(1));
    });

    it("sees status changes, respects the limit, and lists nothing for a limit of 0", async () => {
      await seedNumbered([1, 2, 3]);
      await harness.adapter.commitStep({
        runId: "run-002",
        patch: { status: "failed", error: { code: "boom", message: "it broke" }, completedAt: isoAt(9_000) },
      });
      const [failed] = await list({ status: "failed" });
      expect(failed).toMatchObject({
        runId: "run-002",
        status: "failed",
        error: { code: "boom", message: "it broke" },
        completedAt: isoAt(9_000),
      });
      expect(ids(await list({ limit: 2 }))).toEqual(named(3, 2));
      expect(await list({ limit: 0 })).toEqual([]);
    });

    it("drops a run once retention expires it, from every filter", async () => {
      await seedNumbered([1, 2], () => ({ status: "completed", completedAt: isoAt(0), tags: ["kept-or-not"] }));
      await harness.adapter.expireRun("run-001", new Date(T0 + 60_000).toISOString());
      expect(ids(await list({}))).toEqual(named(2));
      expect(ids(await list({ tag: "kept-or-not" }))).toEqual(named(2));
    });
  });
}
