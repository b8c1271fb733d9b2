import type { RunEvent } from "@openwop/types";
import { eventOrder, readLog, startRun, waitForTerminal } from "../lib/runs.js";
import type { Assertions } from "../runner/assertions.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

const payloadOf = (event: RunEvent | undefined): Record<string, unknown> =>
  (event?.payload ?? {}) as Record<string, unknown>;

const ofType = (events: readonly RunEvent[], type: string) => events.filter((event) => event.type === type);

export const retryScenarios: readonly Scenario[] = [
  {
    id: "node-retry",
    title:
      "A node failing its first two attempts is retried with node.retried (attempts 1 and 2, doubling waits) and node.started for each attempt, then completes",
    profiles: ["openwop-fixtures"],
    spec: "spec/v1/core.md §8.5",
    alsoCites: ["spec/v1/core.md §14.3"],
    gate: needsFixtures("conformance-retry"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-retry");
      const snapshot = await waitForTerminal(context, runId, 20_000);
      assert.equal(snapshot.status, "completed", "§8.5: GET /v1/runs/{runId} (conformance-retry): terminal status");
      const events = await readLog(context, runId);
      const retryLog = "GET /v1/runs/{runId}/events/poll (conformance-retry)";
      assert.deepEqual(
        ofType(events, "node.started").map((event) => payloadOf(event)["attempt"]),
        [0, 1, 2],
        `§8.5: ${retryLog}: payload.attempt of each node.started`,
      );
      const retried = ofType(events, "node.retried");
      assert.deepEqual(
        retried.map((event) => payloadOf(event)["attempt"]),
        [1, 2],
        `§8.5: ${retryLog}: payload.attempt of each node.retried`,
      );
      assert.deepEqual(
        retried.map((event) => payloadOf(event)["delayMs"]),
        [200, 400],
        `§8.5: ${retryLog}: payload.delayMs of each node.retried (starts at retryBackoffMs 200 and doubles)`,
      );
      const lastError = payloadOf(retried[0])["lastError"] as Record<string, unknown> | undefined;
      assert.equal(
        lastError?.["code"],
        "flaky_failure",
        `§8.5: ${retryLog}: payload.lastError.code of the first node.retried (the failed attempt's error)`,
      );
      assert.equal(
        ofType(events, "node.failed").length,
        0,
        `§8.5: ${retryLog}: number of node.failed events (only a final failure is one)`,
      );
      // Each retry waited at least its delay after the failure it follows.
      for (const [index, event] of retried.entries()) {
        const next = ofType(events, "node.started")[index + 1];
        const waited = Date.parse(next?.timestamp ?? "") - Date.parse(event.timestamp);
        const delay = payloadOf(event)["delayMs"] as number;
        assert.ok(
          waited >= delay - 5,
          `§8.5: ${retryLog}: attempt ${index + 1} started ${waited} ms after node.retried (sequence ${event.sequence}), ` +
            `before its payload.delayMs ${delay} ms had passed`,
        );
      }
      const completed = ofType(events, "node.completed")[0];
      assert.deepEqual(
        payloadOf(completed)["outputs"],
        { attempt: 2 },
        `§8.5, §14.3: ${retryLog}: payload.outputs of node.completed (the third attempt's)`,
      );
    },
  },
  {
    id: "node-retry-exhausted",
    title: "A node that keeps failing is retried maxRetries times, then fails once with attempts, failing the run",
    profiles: ["openwop-fixtures"],
    spec: "spec/v1/core.md §8.5",
    alsoCites: ["spec/v1/core.md §8.6"],
    gate: needsFixtures("conformance-retry-exhausted"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-retry-exhausted");
      const snapshot = await waitForTerminal(context, runId, 20_000);
      const exhaustedRead = "GET /v1/runs/{runId} (conformance-retry-exhausted, maxRetries 1)";
      assert.equal(snapshot.status, "failed", `§8.6: ${exhaustedRead}: terminal status`);
      assert.equal(
        snapshot.error?.code,
        "flaky_failure",
        `§8.5: ${exhaustedRead}: error.code (must be the last attempt's error)`,
      );
      const events = await readLog(context, runId);
      const exhaustedLog = "GET /v1/runs/{runId}/events/poll (conformance-retry-exhausted, maxRetries 1)";
      assert.equal(ofType(events, "node.retried").length, 1, `§8.5: ${exhaustedLog}: number of node.retried events`);
      assert.equal(ofType(events, "node.started").length, 2, `§8.5: ${exhaustedLog}: number of node.started events`);
      const failed = ofType(events, "node.failed");
      assert.equal(
        failed.length,
        1,
        `§8.5: ${exhaustedLog}: number of node.failed events (one, for the final attempt)`,
      );
      assert.equal(payloadOf(failed[0])["attempts"], 2, `§8.5: ${exhaustedLog}: node.failed payload.attempts`);
      assert.equal(
        events.at(-1)?.type,
        "run.failed",
        `§8.6: ${exhaustedLog}: type of the last event (order, sequence type: ${eventOrder(events).join(", ")})`,
      );
    },
  },
  {
    id: "run-duration-breach",
    title: "runTimeoutMs 1000 on a 30 s delay: cap.breached {run-duration} before run.failed with run_timeout",
    profiles: ["openwop-fixtures"],
    spec: "spec/v1/core.md §11.3",
    alsoCites: ["spec/v1/core.md §11.4"],
    gate: needsFixtures("conformance-run-duration-breach"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-run-duration-breach", undefined, {
        configurable: { runTimeoutMs: 1_000 },
      });
      const snapshot = await waitForTerminal(context, runId, 15_000);
      const read = "GET /v1/runs/{runId} (conformance-run-duration-breach, runTimeoutMs 1000)";
      assert.equal(snapshot.status, "failed", `§11.3: ${read}: terminal status`);
      assert.equal(snapshot.error?.code, "run_timeout", `§11.4: ${read}: error.code`);
      const events = await readLog(context, runId);
      const logRequest = "GET /v1/runs/{runId}/events/poll (conformance-run-duration-breach, runTimeoutMs 1000)";
      const breach = ofType(events, "cap.breached")[0];
      assert.equal(
        payloadOf(breach)["kind"],
        "run-duration",
        `§11.3: ${logRequest}: payload.kind of the first cap.breached`,
      );
      const failed = ofType(events, "run.failed")[0];
      assert.ok(
        breach !== undefined && failed !== undefined && breach.sequence < failed.sequence,
        `§11.3: ${logRequest}: cap.breached (sequence ${breach?.sequence ?? "none"}) must come before run.failed ` +
          `(sequence ${failed?.sequence ?? "none"}); event order (sequence type)`,
        eventOrder(events),
      );
      assert.equal(
        events.at(-1)?.type,
        "run.failed",
        `§11.4: ${logRequest}: type of the last event (order, sequence type: ${eventOrder(events).join(", ")})`,
      );
    },
  },
];
