import { describe, expect, it } from "vitest";
import type { RunProbe } from "./run-probe.js";
import { EXPRESSIONS_WORKFLOW, FAILING_EXPRESSIONS_WORKFLOW } from "./workflows.js";

/** What the expression section needs of the suite's host. */
export interface ExpressionSuiteContext {
  probe: RunProbe;
}

/** The workflows this section runs; the suite writes them into the host's workflows directory. */
export const EXPRESSION_SUITE_WORKFLOWS = [EXPRESSIONS_WORKFLOW, FAILING_EXPRESSIONS_WORKFLOW] as const;

const TERMINAL = ["completed", "failed", "cancelled"];
const SECRET = "tok-7f3a9c2e-do-not-log";

/**
 * Expressions as the engine runs them (core.md §8.2, §8.4, §8.9), over real sockets: port
 * values computed from inputs, variables and earlier outputs; edges routed by conditions; a
 * failing port value failing its node once, unretried; a failing condition resolving its edge
 * as failed; and a value derived from a sensitive variable never reaching the log in the clear.
 */
export function describeExpressionSuite({ probe }: ExpressionSuiteContext): void {
  describe("expressions", () => {
    it("computes port values and routes on edge conditions", async () => {
      const runId = await probe.create(EXPRESSIONS_WORKFLOW.id, { count: 7, name: "ada", apiToken: SECRET });
      expect((await probe.waitForSnapshot(runId, TERMINAL, 10_000))["status"]).toBe("completed");
      const log = await probe.expectIntactLog(runId);
      const completed = (nodeId: string) =>
        log.find((event) => event.type === "node.completed" && event.nodeId === nodeId)?.payload["outputs"];
      expect(completed("compute")).toMatchObject({ total: 15, greeting: "hello ada" });
      expect(completed("big")).toEqual({ total: 15 });
      const skipped = log.filter((event) => event.type === "node.skipped").map((event) => event.nodeId);
      expect(skipped).toEqual(["small"]);

      const small = await probe.create(EXPRESSIONS_WORKFLOW.id, { count: 2, name: "bo", apiToken: SECRET });
      expect((await probe.waitForSnapshot(small, TERMINAL, 10_000))["status"]).toBe("completed");
      const smallLog = await probe.events(small);
      expect(smallLog.filter((event) => event.type === "node.skipped").map((event) => event.nodeId)).toEqual(["big"]);
    });

    it("masks a value derived from a sensitive variable everywhere in the log", async () => {
      const runId = await probe.create(EXPRESSIONS_WORKFLOW.id, { count: 1, name: "cy", apiToken: SECRET });
      expect((await probe.waitForSnapshot(runId, TERMINAL, 10_000))["status"]).toBe("completed");
      const log = await probe.events(runId);
      const compute = log.find((event) => event.type === "node.completed" && event.nodeId === "compute");
      // The derived value is there, masked; the secret appears nowhere, whole or in part.
      expect(compute?.payload["outputs"]).toMatchObject({ authorization: "[REDACTED]", total: 3 });
      expect(JSON.stringify(log)).not.toContain(SECRET);
      expect(JSON.stringify(log)).not.toContain(SECRET.slice(4, 20));
    });

    it("fails a node whose port expression fails with expression_error, without retrying it", async () => {
      const runId = await probe.create(FAILING_EXPRESSIONS_WORKFLOW.id, { divisor: 2, options: {} });
      const failed = await probe.waitForSnapshot(runId, TERMINAL, 10_000);
      expect(failed["status"]).toBe("failed");
      expect(failed["error"]).toMatchObject({
        code: "expression_error",
        details: { reason: "evaluation", where: "node lookup input value" },
      });
      const log = await probe.expectIntactLog(runId);
      const lookupStarts = log.filter((event) => event.type === "node.started" && event.nodeId === "lookup");
      expect(lookupStarts).toHaveLength(1);
      expect(log.some((event) => event.type === "node.retried")).toBe(false);
      expect(log.find((event) => event.type === "node.failed" && event.nodeId === "lookup")?.payload).toMatchObject({
        error: { code: "expression_error" },
      });
      // With divisor 2 the condition held, so the guarded node ran.
      expect(log.some((event) => event.type === "node.completed" && event.nodeId === "guarded")).toBe(true);
    });

    it("resolves an edge whose condition fails as failed, skipping its target with expression_error", async () => {
      const runId = await probe.create(FAILING_EXPRESSIONS_WORKFLOW.id, { divisor: 0, options: { depth: 3 } });
      expect((await probe.waitForSnapshot(runId, TERMINAL, 10_000))["status"]).toBe("completed");
      const log = await probe.expectIntactLog(runId);
      const skipped = log.find((event) => event.type === "node.skipped" && event.nodeId === "guarded");
      expect(skipped?.payload).toMatchObject({
        reason: "expression_error",
        error: { code: "expression_error", details: { where: "edge start-guarded condition" } },
      });
      expect(log.find((event) => event.type === "node.completed" && event.nodeId === "lookup")?.payload).toMatchObject({
        outputs: { value: 3 },
      });
    });
  });
}
