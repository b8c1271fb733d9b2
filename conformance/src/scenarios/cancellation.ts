import type { Assertions } from "../runner/assertions.js";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { eventOrder, isTerminalEvent, readLog, startRun, waitForRun } from "../lib/runs.js";
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
      const cancel = 'POST /v1/runs/{runId}/cancel {"reason":"conformance"} (running conformance-cancellable)';
      assert.equal(cancelled.status, 200, `§6.7: ${cancel}: status`);
      assert.isObject(cancelled.body, `§6.7: ${cancel}: body`);
      assert.equal(cancelled.body.runId, runId, `§6.7: ${cancel}: body.runId`);
      assert.oneOf(cancelled.body.status, ["cancelling", "cancelled"], `§6.7: ${cancel}: body.status`);
      const snapshot = await waitForRun(
        context,
        runId,
        (current) => current.status === "cancelled",
        5_000,
        "cancelled",
      );
      assert.equal(snapshot.status, "cancelled", `§6.7: GET /v1/runs/{runId} after ${cancel}: status`);
      const events = await readLog(context, runId);
      const logRequest = `GET /v1/runs/{runId}/events/poll after ${cancel}`;
      assert.equal(
        events.at(-1)?.type,
        "run.cancelled",
        `§6.7: ${logRequest}: type of the last event (order, sequence type: ${eventOrder(events).join(", ")})`,
      );
      assert.equal(
        events.filter(isTerminalEvent).length,
        1,
        `§6.7: ${logRequest}: number of terminal events (${eventOrder(events.filter(isTerminalEvent)).join(", ") || "none"})`,
      );
      const again = await client.raw("POST", path, { body: {} });
      const repeat = "POST /v1/runs/{runId}/cancel {} (run already cancelled)";
      assert.equal(again.status, 200, `§6.7: ${repeat}: status`);
      assert.equal(
        (again.body as { status?: unknown } | undefined)?.status,
        "cancelled",
        `§6.7: ${repeat}: body.status (must report the terminal status)`,
      );
      assert.equal(
        (await readLog(context, runId)).length,
        events.length,
        `§6.7: GET /v1/runs/{runId}/events/poll after ${repeat}: number of events (cancelling a terminal run must append nothing)`,
      );
      const unknown = await client.raw("POST", "/v1/runs/run-that-does-not-exist/cancel", { body: {} });
      assertErrorEnvelope(
        assert,
        unknown,
        { code: "not_found" },
        "§6.7: POST /v1/runs/{runId}/cancel {} (runId run-that-does-not-exist)",
      );
    },
  },
];
