import type { RunEvent } from "@openwop/types";
import { readLog, startRun, waitForTerminal } from "../lib/runs.js";
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
      assert.equal(snapshot.status, "completed", "terminal status");
      const events = await readLog(context, runId);
      assert.deepEqual(
        ofType(events, "node.started").map((event) => payloadOf(event)["attempt"]),
        [0, 1, 2],
        "node.started carries attempts 0, 1 and 2",
      );
      const retried = ofType(events, "node.retried");
      assert.deepEqual(
        retried.map((event) => payloadOf(event)["attempt"]),
        [1, 2],
        "node.retried announces attempts 1 and 2",
      );
      assert.deepEqual(
        retried.map((event) => payloadOf(event)["delayMs"]),
        [200, 400],
        "the waits start at retryBackoffMs and double",
      );
      const lastError = payloadOf(retried[0])["lastError"] as Record<string, unknown> | undefined;
      assert.equal(lastError?.["code"], "flaky_failure", "node.retried carries the failed attempt's error");
      assert.equal(ofType(events, "node.failed").length, 0, "no node.failed: only a final failure is one");
      // Each retry waited at least its delay after the failure it follows.
      for (const [index, event] of retried.entries()) {
        const next = ofType(events, "node.started")[index + 1];
        const waited = Date.parse(next?.timestamp ?? "") - Date.parse(event.timestamp);
        const delay = payloadOf(event)["delayMs"] as number;
        assert.ok(
          waited >= delay - 5,
          `attempt ${index + 1} started ${waited} ms after node.retried (delay ${delay} ms)`,
        );
      }
      const completed = ofType(events, "node.completed")[0];
      assert.deepEqual(payloadOf(completed)["outputs"], { attempt: 2 }, "the third attempt completed");
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
      assert.equal(snapshot.status, "failed", "terminal status");
      assert.equal(snapshot.error?.code, "flaky_failure", "the run fails with the last attempt's error");
      const events = await readLog(context, runId);
      assert.equal(ofType(events, "node.retried").length, 1, "one retry (maxRetries 1)");
      assert.equal(ofType(events, "node.started").length, 2, "two attempts started");
      const failed = ofType(events, "node.failed");
      assert.equal(failed.length, 1, "one node.failed, for the final attempt");
      assert.equal(payloadOf(failed[0])["attempts"], 2, "node.failed counts the attempts");
      assert.equal(events.at(-1)?.type, "run.failed", "run.failed ends the log");
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
      assert.equal(snapshot.status, "failed", "terminal status");
      assert.equal(snapshot.error?.code, "run_timeout", "snapshot error.code");
      const events = await readLog(context, runId);
      const breach = ofType(events, "cap.breached")[0];
      assert.equal(payloadOf(breach)["kind"], "run-duration", "cap.breached kind");
      const failed = ofType(events, "run.failed")[0];
      assert.ok(
        breach !== undefined && failed !== undefined && breach.sequence < failed.sequence,
        "cap.breached comes before run.failed",
      );
      assert.equal(events.at(-1)?.type, "run.failed", "run.failed ends the log");
    },
  },
];
