import type { Assertions } from "../runner/assertions.js";
import { validateRunSnapshot } from "@openwop/schema";
import { readLog, startRun, waitForRun, waitForTerminal } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import { updatesView } from "../lib/stream-modes.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

/** Event timestamps are whole milliseconds, possibly taken a little apart from the clock reads they follow. */
const TIMESTAMP_ROUNDING_MS = 5;

export const runLifecycleScenarios: readonly Scenario[] = [
  {
    id: "run-noop-completes",
    title: "conformance-noop: 201, then completed within 5 s with started → node.completed → completed",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §6.2",
    gate: needsFixtures("conformance-noop"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const created = await client.raw("POST", "/v1/runs", { body: { workflowId: "conformance-noop" } });
      assert.equal(created.status, 201, "POST /v1/runs status");
      assert.isObject(created.body, "create-run body");
      assert.isString(created.body.runId, "runId");
      assert.isString(created.body.status, "status");
      assert.isString(created.body.eventsUrl, "eventsUrl");
      const runId = created.body.runId;
      const snapshot = await waitForTerminal(context, runId, 5_000);
      assert.equal(snapshot.status, "completed", "terminal status of conformance-noop");
      assertSchemaValid(assert, validateRunSnapshot, snapshot, "run snapshot");
      assert.equal(snapshot.runId, runId, "snapshot runId");
      assert.equal(snapshot.workflowId, "conformance-noop", "snapshot workflowId");
      const types = updatesView(await readLog(context, runId)).map((event) => event.type);
      assert.deepEqual(
        types,
        ["run.started", "node.completed", "run.completed"],
        "updates view of the conformance-noop log",
      );
    },
  },
  {
    id: "run-identity-roundtrip",
    title: "conformance-identity: variables.payload deep-equals the input",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §6.4",
    gate: needsFixtures("conformance-identity"),
    async run(context) {
      const assert: Assertions = context.assert;
      const payload = { text: "héllo ✓", count: 3, nested: { list: [1, "two", null, true], empty: {} } };
      const runId = await startRun(context, "conformance-identity", { payload });
      const snapshot = await waitForTerminal(context, runId);
      assert.equal(snapshot.status, "completed", "terminal status of conformance-identity");
      assert.deepEqual(snapshot.variables?.payload, payload, "snapshot variables.payload");
    },
  },
  {
    id: "run-delay-running-then-completed",
    title: "conformance-delay: running during the delay, then completed",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §9.4",
    gate: needsFixtures("conformance-delay"),
    async run(context) {
      const assert: Assertions = context.assert;
      const delayMs = 3_000;
      const runId = await startRun(context, "conformance-delay", { delayMs });
      // No bound on leaving pending beyond a generous wait: a loaded host may take a while to
      // pick the run up, and the delay only starts once it has.
      const during = await waitForRun(
        context,
        runId,
        (snapshot) => snapshot.status !== "pending",
        10_000,
        "a status after pending",
      );
      assert.equal(during.status, "running", `status once the run left pending, during its ${delayMs} ms delay`);
      const after = await waitForTerminal(context, runId, 10_000 + delayMs);
      assert.equal(after.status, "completed", "status after the delay");
      // The delay really passed between the run starting and its node completing (host clock).
      const log = await readLog(context, runId);
      const startedAt = Date.parse(log.find((event) => event.type === "run.started")?.timestamp ?? "");
      const nodeDoneAt = Date.parse(
        log.find(
          (event) =>
            event.type === "node.completed" &&
            (event.nodeId ?? (event.payload as { nodeId?: string } | null)?.nodeId) === "wait",
        )?.timestamp ?? "",
      );
      assert.ok(
        Number.isFinite(startedAt) && Number.isFinite(nodeDoneAt),
        "the log has run.started and node.completed for wait, with timestamps",
      );
      assert.ok(
        nodeDoneAt - startedAt >= delayMs - TIMESTAMP_ROUNDING_MS,
        `§9.4: node wait completed ${nodeDoneAt - startedAt} ms after run.started, before its ${delayMs} ms delay had passed`,
      );
    },
  },
  {
    id: "run-multi-node-order",
    title: "conformance-multi-node: node.completed a, b, c in sequence order",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §8.2",
    gate: needsFixtures("conformance-multi-node"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-multi-node");
      const snapshot = await waitForTerminal(context, runId);
      assert.equal(snapshot.status, "completed", "terminal status of conformance-multi-node");
      const completed = (await readLog(context, runId))
        .filter((event) => event.type === "node.completed")
        .sort((left, right) => left.sequence - right.sequence)
        .map((event) => event.nodeId ?? (event.payload as { nodeId?: string } | null)?.nodeId);
      assert.deepEqual(completed, ["a", "b", "c"], "nodes completed, by sequence");
    },
  },
  {
    id: "run-failure-path",
    title: "conformance-failure: node.failed then run.failed, snapshot error {code, message}",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §8.6",
    gate: needsFixtures("conformance-failure"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-failure");
      const snapshot = await waitForTerminal(context, runId);
      assert.equal(snapshot.status, "failed", "terminal status of conformance-failure");
      assert.isObject(snapshot.error, "snapshot error");
      assert.isString(snapshot.error.code, "snapshot error.code");
      assert.isString(snapshot.error.message, "snapshot error.message");
      const events = await readLog(context, runId);
      const nodeFailed = events.find((event) => event.type === "node.failed");
      const runFailed = events.find((event) => event.type === "run.failed");
      assert.ok(nodeFailed !== undefined, "the log has a node.failed event");
      assert.ok(runFailed !== undefined, "the log has a run.failed event");
      assert.ok(nodeFailed.sequence < runFailed.sequence, "node.failed comes before run.failed");
      const logged = (runFailed.payload as { error?: unknown } | null)?.error;
      assert.deepEqual(logged, snapshot.error, "snapshot error equals the run.failed payload error (core.md §7.6)");
    },
  },
];
