import type { OpenWopClient, RawResponse } from "@openwop/client";
import { validatePauseRunResponse, validateResumeRunResponse } from "@openwop/schema";
import { isTerminalStatus, type RunEvent } from "@openwop/types";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { launchScenarioHost, type ClaimTimings } from "../lib/host-processes.js";
import { eventOrder, startRun, waitForRun } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import type { Assertions } from "../runner/assertions.js";
import { allOf, discoveryValue, needsFixtures, productionAdvertised, whenAdvertised } from "../runner/gates.js";
import type { Gate, Scenario, ScenarioContext } from "../runner/scenario.js";

const PROFILES = ["openwop-run-pause"] as const;
const SPEC = "spec/v1/core.md §6.11";

const needsPause = whenAdvertised(
  "runs.pauseResume.supported",
  (d) => discoveryValue(d, "runs.pauseResume.supported") === true,
);

/**
 * Surviving a restart or a takeover is asked of hosts whose runs survive them at all: those
 * advertising the production profile's durability (production-profile.md §3.1). Elsewhere
 * the promise does not apply — a run itself is gone after a restart — so the scenario is
 * inapplicable, not skipped.
 */
const needsDurablePause: Gate = (discovery) => {
  const base = allOf(needsPause, needsFixtures("conformance-delay"))(discovery);
  if (!base.run || productionAdvertised(discovery)) return base;
  return {
    run: false,
    outcome: "inapplicable",
    reason: "production.supported not advertised: this host's runs do not survive a restart or a takeover",
  };
};

/** A delay long enough to pause inside and to wait past; resumed, it ends at once. */
const DELAY_MS = 2_000;

const pausePath = (runId: string) => `/v1/runs/${encodeURIComponent(runId)}:pause`;
const resumePath = (runId: string) => `/v1/runs/${encodeURIComponent(runId)}:resume`;

/** `:pause`, asserted 202 and schema-valid. */
async function pauseOk(
  assert: Assertions,
  client: OpenWopClient,
  runId: string,
  body: Record<string, unknown> = {},
): Promise<{ pausedAt: string }> {
  const answer = await client.raw("POST", pausePath(runId), { body });
  assert.equal(answer.status, 202, `POST ${pausePath(runId)} status`);
  assertSchemaValid(assert, validatePauseRunResponse, answer.body, `POST ${pausePath(runId)} body`);
  return answer.body as { pausedAt: string };
}

/** `:resume`, asserted 202 and schema-valid; returns the status the run went back to. */
async function resumeOk(assert: Assertions, client: OpenWopClient, runId: string): Promise<string> {
  const answer = await client.raw("POST", resumePath(runId));
  assert.equal(answer.status, 202, `POST ${resumePath(runId)} status`);
  assertSchemaValid(assert, validateResumeRunResponse, answer.body, `POST ${resumePath(runId)} body`);
  return (answer.body as { status: string }).status;
}

/** A 409 with the code and `details.runStatus` §6.11 gives. */
function assertConflict(assert: Assertions, answer: RawResponse, code: string, runStatus: string, what: string) {
  const envelope = assertErrorEnvelope(assert, answer, { code, status: 409 }, what);
  assert.equal(envelope.details?.["runStatus"], runStatus, `${what}: details.runStatus`);
  return envelope;
}

/** The log holds nothing after its last `run.paused`: no node started or finished while paused. */
function assertNothingAfterPause(assert: Assertions, events: readonly RunEvent[], what: string): void {
  const types = events.map((event) => event.type);
  assert.equal(types.at(-1), "run.paused", `${what}: run.paused is still the last event (log: ${types.join(", ")})`);
}

/** One gapless log, one run.started, run.paused before run.resumed before the end. */
function assertPausedLog(assert: Assertions, events: readonly RunEvent[], ending: string): void {
  const types = events.map((event) => event.type);
  assert.deepEqual(
    events.map((event) => event.sequence),
    events.map((_event, index) => index),
    "the log is gapless from 0",
  );
  assert.equal(types.filter((type) => type === "run.started").length, 1, "run.started appears once");
  const paused = types.indexOf("run.paused");
  const resumed = types.indexOf("run.resumed");
  assert.ok(
    paused >= 0,
    "§6.11: GET /v1/runs/{runId}/events/poll: the log must hold run.paused; event order (sequence type)",
    eventOrder(events),
  );
  if (ending === "run.completed")
    assert.ok(
      resumed > paused,
      `§6.11: GET /v1/runs/{runId}/events/poll: run.resumed (sequence ${resumed < 0 ? "none" : resumed}) must ` +
        `follow run.paused (sequence ${paused}); event order (sequence type)`,
      eventOrder(events),
    );
  assert.equal(types.at(-1), ending, `the log ends with ${ending}`);
}

export const runPauseScenarios: readonly Scenario[] = [
  {
    id: "runs-pause-resume",
    title:
      "A paused run starts no node past its delay's wake time, answers a second pause with 409 run_not_pausable, and resumed goes back to running and completes with one intact log",
    profiles: PROFILES,
    spec: SPEC,
    gate: allOf(needsPause, needsFixtures("conformance-delay")),
    async run(context) {
      const assert: Assertions = context.assert;
      const client = context.client;
      const runId = await startRun(context, "conformance-delay", { delayMs: DELAY_MS });
      await waitForRun(context, runId, (run) => run.status === "running", 10_000, "running");
      const { pausedAt } = await pauseOk(assert, client, runId, { reason: "conformance pause" });
      assert.equal((await client.getRun(runId)).status, "paused", "the snapshot says paused after the 202");

      const again = assertConflict(
        assert,
        await client.raw("POST", pausePath(runId)),
        "run_not_pausable",
        "paused",
        "a second pause",
      );
      assert.equal(again.details?.["pausedAt"], pausedAt, "a second pause: details.pausedAt is the first pause's");

      await context.sleep(DELAY_MS + 1_000);
      const held = await client.pollEvents(runId);
      assertNothingAfterPause(assert, held.events, `${DELAY_MS + 1_000} ms later, past the delay's wake time`);
      const pausedEvent = held.events.at(-1);
      const payload = (pausedEvent?.payload ?? {}) as Record<string, unknown>;
      assert.equal(payload["reason"], "conformance pause", "run.paused echoes the reason");
      assert.ok(
        payload["drainPolicy"] === "drain-current-node" || payload["drainPolicy"] === "immediate",
        "§6.11: GET /v1/runs/{runId}/events/poll (paused conformance-delay): run.paused payload.drainPolicy must " +
          "be drain-current-node or immediate",
        payload["drainPolicy"],
      );
      assert.equal((await client.getRun(runId)).status, "paused", "still paused past the wake time");

      assert.equal(await resumeOk(assert, client, runId), "running", "the resume answers running");
      const done = await waitForRun(context, runId, (run) => isTerminalStatus(run.status), 10_000, "a terminal status");
      assert.equal(done.status, "completed", "the resumed run completes");
      assertPausedLog(assert, (await client.pollEvents(runId)).events, "run.completed");
      assertConflict(
        assert,
        await client.raw("POST", resumePath(runId)),
        "run_not_paused",
        "completed",
        "resuming a completed run",
      );
      assertConflict(
        assert,
        await client.raw("POST", pausePath(runId)),
        "run_not_pausable",
        "completed",
        "pausing a completed run",
      );
    },
  },
  {
    id: "runs-pause-interrupt-and-cancel",
    title:
      "A paused run waiting on an approval records the answer and stays paused until resumed; a paused run can be cancelled, and then cannot be resumed",
    profiles: PROFILES,
    spec: SPEC,
    alsoCites: ["spec/v1/core.md §10.3", "spec/v1/core.md §6.7"],
    gate: allOf(needsPause, needsFixtures("conformance-approval", "conformance-cancellable")),
    async run(context) {
      const assert: Assertions = context.assert;
      const client = context.client;
      const gated = await startRun(context, "conformance-approval");
      await waitForRun(context, gated, (run) => run.status === "waiting-approval", 10_000, "waiting-approval");
      await pauseOk(assert, client, gated);
      const answered = await client.raw("POST", `/v1/runs/${encodeURIComponent(gated)}/interrupts/gate`, {
        body: { resumeValue: { action: "accept" } },
      });
      assert.equal(answered.status, 200, "resolving the approval of a paused run: status");
      assert.equal(
        (answered.body as { status?: unknown } | undefined)?.status,
        "paused",
        "the resolution answers status paused",
      );
      await context.sleep(500);
      assert.equal((await client.getRun(gated)).status, "paused", "answered but not resumed, the run stays paused");
      const types = (await client.pollEvents(gated)).events.map((event) => event.type);
      const logRequest =
        "§6.11, §10.3: GET /v1/runs/{runId}/events/poll (paused conformance-approval, approval answered, not resumed)";
      assert.ok(
        types.includes("interrupt.resolved"),
        `${logRequest}: the answer must be recorded as interrupt.resolved; event types`,
        types,
      );
      assert.ok(
        !types.includes("run.completed"),
        `${logRequest}: nothing may complete while paused, so no run.completed; event types`,
        types,
      );
      assert.equal(
        await resumeOk(assert, client, gated),
        "running",
        "resumed with its answer, it goes back to running",
      );
      const done = await waitForRun(context, gated, (run) => isTerminalStatus(run.status), 10_000, "a terminal status");
      assert.equal(done.status, "completed", "the approved run completes after the resume");

      const long = await startRun(context, "conformance-cancellable");
      await waitForRun(context, long, (run) => run.status === "running", 10_000, "running");
      await pauseOk(assert, client, long, { drainPolicy: "immediate" });
      const cancelled = await client.raw("POST", `/v1/runs/${encodeURIComponent(long)}/cancel`);
      assert.equal(cancelled.status, 200, "cancelling a paused run: status");
      const ended = await waitForRun(context, long, (run) => isTerminalStatus(run.status), 5_000, "cancelled");
      assert.equal(ended.status, "cancelled", "a paused run cancels");
      assertPausedLog(assert, (await client.pollEvents(long)).events, "run.cancelled");
      assertConflict(
        assert,
        await client.raw("POST", resumePath(long)),
        "run_not_paused",
        "cancelled",
        "resuming a cancelled run",
      );
    },
  },
  {
    id: "runs-pause-refusals",
    title:
      "Pause and resume refuse a drain policy that does not exist, unknown members and non-object bodies with 400, an unknown run with 404, and resuming a run that is not paused with 409 run_not_paused",
    profiles: PROFILES,
    spec: SPEC,
    alsoCites: ["spec/v1/core.md §6.8"],
    gate: allOf(needsPause, needsFixtures("conformance-approval")),
    async run(context) {
      const assert: Assertions = context.assert;
      const client = context.client;
      const runId = await startRun(context, "conformance-approval");
      await waitForRun(context, runId, (run) => run.status === "waiting-approval", 10_000, "waiting-approval");
      const refusals: Array<[string, unknown, string | undefined]> = [
        [pausePath(runId), { drainPolicy: "sideways" }, "drainPolicy"],
        [pausePath(runId), { reason: "x", until: "tomorrow" }, "until"],
        [pausePath(runId), ["immediate"], undefined],
        [resumePath(runId), { now: true }, "now"],
      ];
      for (const [path, body, field] of refusals) {
        const what = `POST ${path} ${JSON.stringify(body)}`;
        const envelope = assertErrorEnvelope(
          assert,
          await client.raw("POST", path, { body }),
          { code: "validation_error", status: 400 },
          what,
        );
        if (field !== undefined) assert.equal(envelope.details?.["field"], field, `${what}: details.field`);
      }
      for (const path of [pausePath("conformance-no-such-run"), resumePath("conformance-no-such-run")]) {
        assertErrorEnvelope(assert, await client.raw("POST", path), { code: "not_found", status: 404 }, `POST ${path}`);
      }
      assertConflict(
        assert,
        await client.raw("POST", resumePath(runId)),
        "run_not_paused",
        "waiting-approval",
        "resuming a run that is not paused",
      );
      assert.equal((await client.getRun(runId)).status, "waiting-approval", "no refusal changed the run");
    },
  },
  {
    id: "runs-pause-tenant-isolation",
    title: "Another tenant's key cannot pause or resume a run: 404 not_found, and the run is unchanged",
    profiles: PROFILES,
    spec: SPEC,
    alsoCites: ["spec/v1/core.md §6.8", "spec/v1/auth.md §5.4"],
    gate: allOf(needsPause, needsFixtures("conformance-approval")),
    async run(context) {
      const assert: Assertions = context.assert;
      const { secondaryApiKey } = context.options;
      if (secondaryApiKey === undefined)
        return context.skip("needs --secondary-api-key (a key of another tenant)", false);
      const other = context.clientWithKey(secondaryApiKey);
      const runId = await startRun(context, "conformance-approval");
      await waitForRun(context, runId, (run) => run.status === "waiting-approval", 10_000, "waiting-approval");
      assertErrorEnvelope(
        assert,
        await other.raw("POST", pausePath(runId)),
        { code: "not_found", status: 404 },
        "another tenant pauses",
      );
      assert.equal((await context.client.getRun(runId)).status, "waiting-approval", "the run was not paused");
      await pauseOk(assert, context.client, runId);
      assertErrorEnvelope(
        assert,
        await other.raw("POST", resumePath(runId)),
        { code: "not_found", status: 404 },
        "another tenant resumes",
      );
      assert.equal((await context.client.getRun(runId)).status, "paused", "the run was not resumed");
    },
  },
  {
    id: "runs-pause-restart",
    title:
      "A run paused before its host is SIGKILLed stays paused on the restarted host past its wake time, and completes once resumed there",
    profiles: PROFILES,
    spec: SPEC,
    alsoCites: ["spec/v1/storage-adapters.md §5.7"],
    requires: "host-manifest",
    timeoutMs: 120_000,
    gate: needsDurablePause,
    async run(context) {
      const assert: Assertions = context.assert;
      const first = await launchScenarioHost(context);
      const created = await first.client.createRun({ workflowId: "conformance-delay", inputs: { delayMs: DELAY_MS } });
      const runId = created.runId;
      await waitForRun(context, runId, (run) => run.status === "running", 10_000, "running", { client: first.client });
      await pauseOk(assert, first.client, runId);
      await first.host.kill();
      const second = await launchScenarioHost(context, { port: first.host.port, peer: first.host });
      await context.sleep(DELAY_MS + 1_500);
      assert.equal(
        (await second.client.getRun(runId)).status,
        "paused",
        "after the restart, past the wake time: still paused",
      );
      assertNothingAfterPause(assert, (await second.client.pollEvents(runId)).events, "after the restart");
      assert.equal(await resumeOk(assert, second.client, runId), "running", "resumed on the restarted host: running");
      const done = await waitForRun(
        context,
        runId,
        (run) => isTerminalStatus(run.status),
        20_000,
        "a terminal status",
        {
          client: second.client,
        },
      );
      assert.equal(done.status, "completed", "the resumed run completes on the restarted host");
      assertPausedLog(assert, (await second.client.pollEvents(runId)).events, "run.completed");
    },
  },
  {
    id: "runs-pause-takeover",
    title:
      "A run whose holder died is paused through a live peer before its claim expires, and the peer never takes it over: it stays paused past the lease and completes once resumed",
    profiles: PROFILES,
    spec: SPEC,
    alsoCites: ["spec/v1/storage-adapters.md §5.8"],
    requires: "host-manifest",
    timeoutMs: 120_000,
    gate: needsDurablePause,
    run: pauseDuringTakeover,
  },
];

/** A lease long enough to pause through the peer while the dead holder's claim still stands. */
const TAKEOVER_CLAIM: ClaimTimings = { claimTtlMs: 4_000, heartbeatIntervalMs: 1_000 };

async function pauseDuringTakeover(context: ScenarioContext): Promise<void> {
  const assert: Assertions = context.assert;
  const delayMs = Math.min(30_000, context.scaled(6_000));
  const holder = await launchScenarioHost(context, { claim: TAKEOVER_CLAIM });
  const created = await holder.client.createRun({ workflowId: "conformance-delay", inputs: { delayMs } });
  const runId = created.runId;
  await waitForRun(context, runId, (run) => run.status === "running", 10_000, "running", { client: holder.client });
  const peer = await launchScenarioHost(context, { peer: holder.host, claim: TAKEOVER_CLAIM });
  await holder.host.kill();
  await pauseOk(assert, peer.client, runId, { reason: "holder lost" });
  // Past the dead holder's lease and the run's wake time: a peer that took the run over would have completed it.
  await context.sleep(Math.max(delayMs, TAKEOVER_CLAIM.claimTtlMs) + 2 * TAKEOVER_CLAIM.heartbeatIntervalMs + 1_000);
  assert.equal((await peer.client.getRun(runId)).status, "paused", "past the lease and the wake time: still paused");
  assertNothingAfterPause(assert, (await peer.client.pollEvents(runId)).events, "past the lease");
  assert.equal(await resumeOk(assert, peer.client, runId), "running", "resumed on the peer: running");
  const done = await waitForRun(context, runId, (run) => isTerminalStatus(run.status), 20_000, "a terminal status", {
    client: peer.client,
  });
  assert.equal(done.status, "completed", "the peer completes the resumed run");
  assertPausedLog(assert, (await peer.client.pollEvents(runId)).events, "run.completed");
}
