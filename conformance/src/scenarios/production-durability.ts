import type { OpenWopClient } from "@openwop/client";
import { isTerminalStatus } from "@openwop/types";
import type { LaunchedHost } from "../host-manifest/launch.js";
import { type ClaimTimings, launchScenarioHost } from "../lib/host-processes.js";
import { eventOrder, isTerminalEvent, waitForRun } from "../lib/runs.js";
import type { Assertions } from "../runner/assertions.js";
import { allOf, needsFixtures, productionAdvertised, whenAdvertised } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

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

/** Creates the delay run a scenario then disrupts; its checks are setup, not evidence. */
async function createDelayRun(setup: Assertions, client: OpenWopClient, delayMs: number): Promise<string> {
  const created = await client.createRun({ workflowId: "conformance-delay", inputs: { delayMs } });
  setup.isString(created.runId, "runId of the delay run");
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
      const runId = await createDelayRun(context.setupAssert, first.client, 4_000);
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
    run: staleClaimTakeover,
  },
];

/**
 * Claim timings for the takeover: a lease long enough that "too early" and "on time" are
 * seconds apart, renewed often enough that the last renewal was recent when the holder died.
 */
const TAKEOVER_CLAIM: ClaimTimings = { claimTtlMs: 6_000, heartbeatIntervalMs: 1_000 };

/**
 * The earliest a correct peer may take the run, after the holder was killed at K: the lease
 * runs from the holder's last renewal, at most one heartbeat before K, plus one more heartbeat
 * of slack for a renewal that ran late on a loaded machine.
 */
const EARLIEST_TAKEOVER_AFTER_KILL_MS = TAKEOVER_CLAIM.claimTtlMs - 2 * TAKEOVER_CLAIM.heartbeatIntervalMs;

/** How long before the run's wake time the holder is killed; well inside the earliest takeover. */
const KILL_LEAD_MS = 1_500;

/**
 * §5.8: holder and peer both run on one store (one SQLite file, or one Postgres database);
 * the holder, and only it, holds the run's claim, and is then SIGKILLed while the run sleeps.
 *
 * The run is a delay whose wake time falls shortly after the kill, so whoever executes it
 * after the wake time completes it at once: the completion time is the takeover time. A peer
 * that took the run while the holder lived, or without waiting for the lease, completes it at
 * the wake time, before the lease can have expired; a correct peer completes it after. Both
 * processes run on this machine (the manifest launches them), so the hosts' event timestamps
 * and the suite's clock are the same clock.
 */
async function staleClaimTakeover(context: ScenarioContext): Promise<void> {
  const assert: Assertions = context.assert;
  const { claimTtlMs } = TAKEOVER_CLAIM;
  // Long enough to start the peer before the kill, even on a slow machine.
  const delayMs = Math.min(30_000, context.scaled(15_000));
  const holder = await launchScenarioHost(context, { claim: TAKEOVER_CLAIM });
  const createdAt = Date.now();
  const runId = await createDelayRun(context.setupAssert, holder.client, delayMs);
  // Started while the holder is the only process, so the holder is the one that claimed it.
  await waitForRun(context, runId, (snapshot) => snapshot.status === "running", 5_000, "running", {
    client: holder.client,
  });
  const peer = await launchScenarioHost(context, { peer: holder.host, claim: TAKEOVER_CLAIM });

  // The node's wake time is at least createdAt + delayMs (it started after the create call).
  const killAt = createdAt + delayMs - KILL_LEAD_MS;
  const slack = killAt - Date.now();
  assert.ok(
    slack > 0,
    `setup: the peer became ready ${-slack} ms after the moment the holder had to be killed (the run's wake time less ${KILL_LEAD_MS} ms); rerun with a larger --timeout-scale`,
  );
  await context.sleep(slack);
  const beforeKill = await holder.client.getRun(runId);
  assert.equal(
    beforeKill.status,
    "running",
    "the run is still running under the holder, with the peer live beside it, just before the kill",
  );
  const killedAt = Date.now();
  await holder.host.kill();

  const done = await waitForRun(
    context,
    runId,
    (snapshot) => isTerminalStatus(snapshot.status),
    // §5.8: about one TTL plus one loop interval (at most one TTL), and generous slack.
    2 * claimTtlMs + 15_000,
    `a terminal status on the peer within about one TTL plus one loop interval (TTL ${claimTtlMs} ms) after the holder was killed`,
    { client: peer.client },
  );
  assert.equal(done.status, "completed", "status after the peer's takeover");

  const { events } = await peer.client.pollEvents(runId);
  const completed = events.find((event) => event.type === "run.completed");
  assert.ok(
    completed !== undefined,
    "storage-adapters.md §5.8: GET /v1/runs/{runId}/events/poll on the peer after its takeover: the log must hold " +
      "run.completed; event order (sequence type)",
    eventOrder(events),
  );
  const completedAt = Date.parse(completed.timestamp);
  assert.ok(Number.isFinite(completedAt), `run.completed has an RFC 3339 timestamp (got ${completed.timestamp})`);
  const afterKill = completedAt - killedAt;
  assert.ok(
    afterKill >= EARLIEST_TAKEOVER_AFTER_KILL_MS,
    `§5.6: the run was completed ${afterKill} ms after its holder was killed; with a ${claimTtlMs} ms lease renewed every ${TAKEOVER_CLAIM.heartbeatIntervalMs} ms it cannot have expired before ${EARLIEST_TAKEOVER_AFTER_KILL_MS} ms, so the peer took a claim that had not expired (or took the run while the holder lived)`,
  );
  context.note(`the live peer completed the run ${afterKill} ms after the holder was killed (lease ${claimTtlMs} ms)`);
  await assertRecoveredLog(assert, peer.client, runId);
  // The peer finished it, not the holder before it died.
  assertTerminalLogRecord(assert, peer.host, runId);
}
