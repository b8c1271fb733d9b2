import type { Assertions } from "../runner/assertions.js";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { isTerminalEvent, readLog, startRun, waitForRun } from "../lib/runs.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

export const cancellationScenarios: readonly Scenario[] = [
  {
    id: "cancel-running-run",
    title: "Cancelling a running run answers 200 and reaches cancelled within 5 s, run.cancelled last",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §6.7",
    gate: needsFixtures("conformance-cancellable"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-cancellable", { delayMs: 30_000 });
      await waitForRun(context, runId, (snapshot) => snapshot.status === "running", 5_000, "running");
      const path = `/v1/runs/${encodeURIComponent(runId)}/cancel`;
      const cancelled = await client.raw("POST", path, { body: { reason: "conformance" } });
      assert.equal(cancelled.status, 200, "POST /v1/runs/{id}/cancel");
      assert.isObject(cancelled.body, "cancel response body");
      assert.equal(cancelled.body.runId, runId, "cancel response runId");
      assert.oneOf(cancelled.body.status, ["cancelling", "cancelled"], "cancel response status");
      const snapshot = await waitForRun(
        context,
        runId,
        (current) => current.status === "cancelled",
        5_000,
        "cancelled",
      );
      assert.equal(snapshot.status, "cancelled", "status after cancel");
      const events = await readLog(context, runId);
      assert.equal(events.at(-1)?.type, "run.cancelled", "the last event is run.cancelled");
      assert.equal(events.filter(isTerminalEvent).length, 1, "exactly one terminal event");
      const again = await client.raw("POST", path, { body: {} });
      assert.equal(again.status, 200, "cancelling a terminal run answers 200");
      assert.equal(
        (again.body as { status?: unknown } | undefined)?.status,
        "cancelled",
        "and reports the terminal status",
      );
      assert.equal((await readLog(context, runId)).length, events.length, "cancelling a terminal run appends nothing");
      const unknown = await client.raw("POST", "/v1/runs/run-that-does-not-exist/cancel", { body: {} });
      assertErrorEnvelope(assert, unknown, { code: "not_found" }, "cancel an unknown run");
    },
  },
];
