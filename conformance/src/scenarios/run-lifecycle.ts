import type { Assertions } from "../runner/assertions.js";
import { validateRunSnapshot } from "@openwop/schema";
import { eventOrder, readLog, startRun, waitForRun, waitForTerminal } from "../lib/runs.js";
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
      const create = 'POST /v1/runs {"workflowId":"conformance-noop"}';
      assert.equal(created.status, 201, `§6.2: ${create}: status`);
      assert.isObject(created.body, `§6.2: ${create}: body`);
      assert.isString(created.body.runId, `§6.2: ${create}: body.runId`);
      assert.isString(created.body.status, `§6.2: ${create}: body.status`);
      assert.isString(created.body.eventsUrl, `§6.2: ${create}: body.eventsUrl`);
      const runId = created.body.runId;
      const snapshot = await waitForTerminal(context, runId, 5_000);
      const read = "GET /v1/runs/{runId} (conformance-noop)";
      assert.equal(snapshot.status, "completed", `§6.2: ${read}: terminal status`);
      assertSchemaValid(assert, validateRunSnapshot, snapshot, `§6.2: ${read}: run snapshot`);
      assert.equal(snapshot.runId, runId, `§6.2: ${read}: runId`);
      assert.equal(snapshot.workflowId, "conformance-noop", `§6.2: ${read}: workflowId`);
      const types = updatesView(await readLog(context, runId)).map((event) => event.type);
      assert.deepEqual(
        types,
        ["run.started", "node.completed", "run.completed"],
        "§6.2: GET /v1/runs/{runId}/events/poll (conformance-noop): event types of the updates view",
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
      const read = "GET /v1/runs/{runId} (conformance-identity, inputs.payload sent to POST /v1/runs)";
      assert.equal(snapshot.status, "completed", `§6.4: ${read}: terminal status`);
      assert.deepEqual(
        snapshot.variables?.payload,
        payload,
        `§6.4: ${read}: variables.payload (must deep-equal the input)`,
      );
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
      const read = `GET /v1/runs/{runId} (conformance-delay, delayMs ${delayMs})`;
      assert.equal(during.status, "running", `§9.4: ${read}: status once the run left pending, during its delay`);
      const after = await waitForTerminal(context, runId, 10_000 + delayMs);
      assert.equal(after.status, "completed", `§9.4: ${read}: status after the delay`);
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
      const logRequest = `GET /v1/runs/{runId}/events/poll (conformance-delay, delayMs ${delayMs})`;
      assert.ok(
        Number.isFinite(startedAt) && Number.isFinite(nodeDoneAt),
        `§9.4: ${logRequest}: the log must have run.started and node.completed for node wait, each with a ` +
          "parseable timestamp; (sequence type timestamp)",
        log.map((event) => `${event.sequence} ${event.type} ${event.timestamp}`),
      );
      assert.ok(
        nodeDoneAt - startedAt >= delayMs - TIMESTAMP_ROUNDING_MS,
        `§9.4: ${logRequest}: node wait completed ${nodeDoneAt - startedAt} ms after run.started, before its ${delayMs} ms delay had passed`,
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
      assert.equal(
        snapshot.status,
        "completed",
        "§8.2: GET /v1/runs/{runId} (conformance-multi-node): terminal status",
      );
      const completed = (await readLog(context, runId))
        .filter((event) => event.type === "node.completed")
        .sort((left, right) => left.sequence - right.sequence)
        .map((event) => event.nodeId ?? (event.payload as { nodeId?: string } | null)?.nodeId);
      assert.deepEqual(
        completed,
        ["a", "b", "c"],
        "§8.2: GET /v1/runs/{runId}/events/poll (conformance-multi-node): nodeIds of node.completed, by sequence",
      );
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
      const read = "GET /v1/runs/{runId} (conformance-failure)";
      assert.equal(snapshot.status, "failed", `§8.6: ${read}: terminal status`);
      assert.isObject(snapshot.error, `§8.6: ${read}: error`);
      assert.isString(snapshot.error.code, `§8.6: ${read}: error.code`);
      assert.isString(snapshot.error.message, `§8.6: ${read}: error.message`);
      const events = await readLog(context, runId);
      const logRequest = "GET /v1/runs/{runId}/events/poll (conformance-failure)";
      const nodeFailed = events.find((event) => event.type === "node.failed");
      const runFailed = events.find((event) => event.type === "run.failed");
      assert.ok(
        nodeFailed !== undefined,
        `§8.6: ${logRequest}: the log must have a node.failed event; event order (sequence type)`,
        eventOrder(events),
      );
      assert.ok(
        runFailed !== undefined,
        `§8.6: ${logRequest}: the log must have a run.failed event; event order (sequence type)`,
        eventOrder(events),
      );
      assert.ok(
        nodeFailed.sequence < runFailed.sequence,
        `§8.6: ${logRequest}: node.failed (sequence ${nodeFailed.sequence}) must come before run.failed ` +
          `(sequence ${runFailed.sequence}); event order (sequence type)`,
        eventOrder(events),
      );
      const logged = (runFailed.payload as { error?: unknown } | null)?.error;
      assert.deepEqual(
        logged,
        snapshot.error,
        `§8.6, §7.6: ${logRequest}: run.failed payload.error (must equal the error of ${read})`,
      );
    },
  },
];
