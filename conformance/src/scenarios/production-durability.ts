import type { OpenWopClient } from "@openwop/client";
import { isTerminalStatus } from "@openwop/types";
import type { LaunchedHost } from "../host-manifest/launch.js";
import { launchScenarioHost } from "../lib/host-processes.js";
import { isTerminalEvent, waitForRun } from "../lib/runs.js";
import type { Assertions } from "../runner/assertions.js";
import { allOf, needsFixtures, productionAdvertised, whenAdvertised } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

const gate = allOf(whenAdvertised("production.supported", productionAdvertised), needsFixtures("conformance-delay"));

/** The log after a process died mid-run: gapless, one run.started, one terminal event, last. */
async function assertRecoveredLog(assert: Assertions, client: OpenWopClient, runId: string): Promise<void> {
  const { events } = await client.pollEvents(runId);
  assert.deepEqual(
    events.map((event) => event.sequence),
    events.map((_event, index) => index),
    "the log is gapless from 0 across the crash",
  );
  assert.equal(
    events.filter((event) => event.type === "run.started").length,
    1,
    "run.started appears once (the run resumed, it did not start over)",
  );
  const terminal = events.filter(isTerminalEvent);
  assert.equal(terminal.length, 1, "exactly one terminal event");
  assert.equal(events.at(-1)?.type, "run.completed", "the terminal event is the last event, run.completed");
}

/**
 * P6: the process that finished the run wrote one JSON log record for its terminal status
 * with runId, tenantId, status, errorCode (null unless failed) and correlationId.
 */
function assertTerminalLogRecord(assert: Assertions, host: LaunchedHost, runId: string): void {
  const records = host
    .outputLines()
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return undefined;
      }
    })
    .filter(
      (value): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value),
    );
  const record = records.find((entry) => entry.runId === runId && entry.status === "completed");
  assert.ok(
    record !== undefined,
    `a structured log record {runId: ${runId}, status: completed} was written (${records.length} JSON lines seen)`,
  );
  assert.isString(record.tenantId, "log record tenantId");
  assert.equal(record.errorCode, null, "log record errorCode is null for a completed run");
  assert.isString(record.correlationId, "log record correlationId");
}

async function createDelayRun(assert: Assertions, client: OpenWopClient, delayMs: number): Promise<string> {
  const created = await client.createRun({ workflowId: "conformance-delay", inputs: { delayMs } });
  assert.isString(created.runId, "runId of the delay run");
  return created.runId;
}

export const productionDurabilityScenarios: readonly Scenario[] = [
  {
    id: "restart-during-run",
    title: "A host SIGKILLed mid-run and restarted on the same storage finishes the run",
    profiles: ["openwop-production"],
    spec: "spec/v1/storage-adapters.md §5.7",
    alsoCites: ["spec/v1/production-profile.md §3.1", "spec/v1/production-profile.md §3.6", "spec/v1/core.md §8.8"],
    requires: "host-manifest",
    timeoutMs: 120_000,
    gate,
    async run(context) {
      const assert: Assertions = context.assert;
      const first = await launchScenarioHost(context);
      const runId = await createDelayRun(assert, first.client, 4_000);
      await waitForRun(context, runId, (snapshot) => snapshot.status === "running", 5_000, "running", {
        client: first.client,
      });
      await first.host.kill();
      const second = await launchScenarioHost(context, { port: first.host.port, peer: first.host });
      const done = await waitForRun(
        context,
        runId,
        (snapshot) => isTerminalStatus(snapshot.status),
        30_000,
        "a terminal status",
        { client: second.client, tolerateErrors: true },
      );
      assert.equal(done.status, "completed", "status after restart");
      await assertRecoveredLog(assert, second.client, runId);
      assertTerminalLogRecord(assert, second.host, runId);
    },
  },
  {
    id: "stale-claim",
    title: "A peer process on shared storage takes over a run whose holder died, after the claim expires",
    profiles: ["openwop-production"],
    spec: "spec/v1/storage-adapters.md §5.8",
    alsoCites: [
      "spec/v1/storage-adapters.md §5.6",
      "spec/v1/production-profile.md §3.1",
      "spec/v1/production-profile.md §3.6",
    ],
    requires: "host-manifest",
    timeoutMs: 120_000,
    gate,
    async run(context) {
      const assert: Assertions = context.assert;
      const holder = await launchScenarioHost(context);
      const runId = await createDelayRun(assert, holder.client, 4_000);
      await waitForRun(context, runId, (snapshot) => snapshot.status === "running", 5_000, "running", {
        client: holder.client,
      });
      // Kill without warning: the claim stays held until its lease runs out.
      await holder.host.kill();
      const peer = await launchScenarioHost(context, { peer: holder.host });
      const done = await waitForRun(
        context,
        runId,
        (snapshot) => isTerminalStatus(snapshot.status),
        30_000,
        "a terminal status",
        { client: peer.client, tolerateErrors: true },
      );
      assert.equal(done.status, "completed", "status after the peer's takeover");
      await assertRecoveredLog(assert, peer.client, runId);
      assertTerminalLogRecord(assert, peer.host, runId);
    },
  },
];
