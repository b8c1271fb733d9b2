import type { Assertions } from "../runner/assertions.js";
import { readLog, startRun, waitForTerminal } from "../lib/runs.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

export const limitScenarios: readonly Scenario[] = [
  {
    id: "cap-breach-recursion-limit",
    title: "recursionLimit 5 on a ten-node chain: cap.breached {node-executions, 5, 6}, then recursion_limit_exceeded",
    profiles: ["openwop-fixtures"],
    spec: "spec/v1/core.md §11.2",
    alsoCites: ["spec/v1/core.md §11.4"],
    gate: needsFixtures("conformance-cap-breach"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-cap-breach", undefined, {
        configurable: { recursionLimit: 5 },
      });
      const snapshot = await waitForTerminal(context, runId);
      assert.equal(snapshot.status, "failed", "terminal status");
      assert.equal(snapshot.error?.code, "recursion_limit_exceeded", "snapshot error.code");
      const events = await readLog(context, runId);
      const breach = events.find((event) => event.type === "cap.breached");
      assert.ok(breach !== undefined, "the log has cap.breached");
      const payload = breach.payload as Record<string, unknown> | null;
      assert.equal(payload?.kind, "node-executions", "cap.breached kind");
      assert.equal(payload?.limit, 5, "cap.breached limit");
      assert.equal(payload?.observed, 6, "cap.breached observed");
      const failed = events.find((event) => event.type === "run.failed");
      assert.ok(failed !== undefined && breach.sequence < failed.sequence, "cap.breached comes before run.failed");
      assert.equal(events.filter((event) => event.type === "node.started").length, 5, "number of node.started events");
    },
  },
  {
    id: "capability-missing",
    title: "A node requiring an unprovided capability never runs: capability_not_provided naming it",
    profiles: ["openwop-fixtures"],
    spec: "spec/v1/core.md §12",
    gate: needsFixtures("conformance-capability-missing"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-capability-missing");
      const snapshot = await waitForTerminal(context, runId);
      assert.equal(snapshot.status, "failed", "terminal status");
      assert.equal(snapshot.error?.code, "capability_not_provided", "snapshot error.code");
      assert.ok(
        snapshot.error?.message.includes("conformance.never-provided") === true,
        "the error message names conformance.never-provided",
      );
      const events = await readLog(context, runId);
      const nodeFailed = events.find((event) => event.type === "node.failed");
      const runFailed = events.find((event) => event.type === "run.failed");
      assert.ok(
        nodeFailed !== undefined && runFailed !== undefined && nodeFailed.sequence < runFailed.sequence,
        "node.failed comes before run.failed",
      );
      assert.ok(!events.some((event) => event.type === "node.completed"), "the node never completed");
    },
  },
];
