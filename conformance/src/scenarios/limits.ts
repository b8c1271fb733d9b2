import type { Assertions } from "../runner/assertions.js";
import { eventOrder, readLog, startRun, waitForTerminal } from "../lib/runs.js";
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
      const snapshotRequest = "GET /v1/runs/{runId} (conformance-cap-breach, recursionLimit 5)";
      assert.equal(snapshot.status, "failed", `§11.2: ${snapshotRequest}: terminal status`);
      assert.equal(snapshot.error?.code, "recursion_limit_exceeded", `§11.4: ${snapshotRequest}: error.code`);
      const events = await readLog(context, runId);
      const breach = events.find((event) => event.type === "cap.breached");
      const logRequest = "GET /v1/runs/{runId}/events/poll (conformance-cap-breach, recursionLimit 5)";
      assert.ok(
        breach !== undefined,
        `§11.2: ${logRequest}: the log must have a cap.breached event; event order (sequence type)`,
        eventOrder(events),
      );
      const payload = breach.payload as Record<string, unknown> | null;
      assert.equal(payload?.kind, "node-executions", `§11.2: ${logRequest}: cap.breached payload.kind`);
      assert.equal(payload?.limit, 5, `§11.2: ${logRequest}: cap.breached payload.limit`);
      assert.equal(payload?.observed, 6, `§11.2: ${logRequest}: cap.breached payload.observed`);
      const failed = events.find((event) => event.type === "run.failed");
      assert.ok(
        failed !== undefined && breach.sequence < failed.sequence,
        `§11.2: ${logRequest}: cap.breached (sequence ${breach.sequence}) must come before run.failed ` +
          `(sequence ${failed?.sequence ?? "none: no run.failed in the log"}); event order (sequence type)`,
        eventOrder(events),
      );
      assert.equal(
        events.filter((event) => event.type === "node.started").length,
        5,
        `§11.2: ${logRequest}: number of node.started events (recursionLimit 5 allows five node executions)`,
      );
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
      const snapshotRequest = "GET /v1/runs/{runId} (conformance-capability-missing)";
      assert.equal(snapshot.status, "failed", `§12: ${snapshotRequest}: terminal status`);
      assert.equal(snapshot.error?.code, "capability_not_provided", `§12: ${snapshotRequest}: error.code`);
      assert.ok(
        snapshot.error?.message.includes("conformance.never-provided") === true,
        `§12: ${snapshotRequest}: error.message must name the missing capability conformance.never-provided`,
        snapshot.error?.message,
      );
      const events = await readLog(context, runId);
      const logRequest = "GET /v1/runs/{runId}/events/poll (conformance-capability-missing)";
      const nodeFailed = events.find((event) => event.type === "node.failed");
      const runFailed = events.find((event) => event.type === "run.failed");
      assert.ok(
        nodeFailed !== undefined && runFailed !== undefined && nodeFailed.sequence < runFailed.sequence,
        `§12: ${logRequest}: node.failed (sequence ${nodeFailed?.sequence ?? "none"}) must come before ` +
          `run.failed (sequence ${runFailed?.sequence ?? "none"}); event order (sequence type)`,
        eventOrder(events),
      );
      assert.ok(
        !events.some((event) => event.type === "node.completed"),
        `§12: ${logRequest}: the node needing conformance.never-provided must never run, so no node.completed; ` +
          "event order (sequence type)",
        eventOrder(events),
      );
    },
  },
];
