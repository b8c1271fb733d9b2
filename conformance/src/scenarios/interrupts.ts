import type { Assertions } from "../runner/assertions.js";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { eventOrder, readLog, startRun, waitForRun, waitForTerminal } from "../lib/runs.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

const PROFILES = ["openwop-interrupts", "openwop-core-standard"] as const;

const resolvePath = (runId: string, nodeId: string) =>
  `/v1/runs/${encodeURIComponent(runId)}/interrupts/${encodeURIComponent(nodeId)}`;

/** Starts conformance-approval and waits until it is suspended at its gate. */
async function suspendedApproval(context: ScenarioContext): Promise<string> {
  const runId = await startRun(context, "conformance-approval");
  await waitForRun(context, runId, (snapshot) => snapshot.status === "waiting-approval", 5_000, "waiting-approval");
  return runId;
}

export const interruptScenarios: readonly Scenario[] = [
  {
    id: "interrupt-approval",
    title: "conformance-approval suspends as waiting-approval at gate; accept resumes it to completed",
    profiles: PROFILES,
    spec: "spec/v1/core.md §10.4",
    gate: needsFixtures("conformance-approval"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await suspendedApproval(context);
      const waiting = await client.getRun(runId);
      const read = "GET /v1/runs/{runId} (conformance-approval, suspended at gate)";
      assert.equal(waiting.status, "waiting-approval", `§10.4: ${read}: status`);
      assert.equal(waiting.currentNodeId, "gate", `§10.4: ${read}: currentNodeId`);
      const before = await readLog(context, runId);
      const logRequest = "GET /v1/runs/{runId}/events/poll (conformance-approval, suspended at gate)";
      assert.ok(
        before.some((event) => event.type === "interrupt.requested"),
        `§10.4: ${logRequest}: the log must have interrupt.requested; event order (sequence type)`,
        eventOrder(before),
      );
      assert.ok(
        before.some((event) => event.type === "node.suspended"),
        `§10.4: ${logRequest}: the log must have node.suspended; event order (sequence type)`,
        eventOrder(before),
      );
      const resolved = await client.raw("POST", resolvePath(runId, "gate"), {
        body: { resumeValue: { action: "accept" } },
      });
      const accept = 'POST /v1/runs/{runId}/interrupts/gate {"resumeValue":{"action":"accept"}}';
      assert.equal(resolved.status, 200, `§10.4: ${accept}: status`);
      const done = await waitForTerminal(context, runId);
      assert.equal(done.status, "completed", `§10.4: GET /v1/runs/{runId} after ${accept}: status`);
      const after = await readLog(context, runId);
      assert.ok(
        after.some((event) => event.type === "interrupt.resolved"),
        `§10.4: GET /v1/runs/{runId}/events/poll after ${accept}: the log must have interrupt.resolved; ` +
          "event order (sequence type)",
        eventOrder(after),
      );
    },
  },
  {
    id: "interrupt-clarification",
    title: "conformance-clarification suspends as waiting-input; an answers map resumes it to completed",
    profiles: PROFILES,
    spec: "spec/v1/core.md §10.5",
    alsoCites: ["spec/v1/core.md §10.2", "spec/v1/core.md §10.3", "spec/v1/core.md §9.7"],
    gate: needsFixtures("conformance-clarification"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-clarification");
      const waiting = await waitForRun(
        context,
        runId,
        (snapshot) => snapshot.status === "waiting-input",
        5_000,
        "waiting-input",
      );
      assert.equal(waiting.currentNodeId, "ask", "currentNodeId while suspended");
      const requested = (await readLog(context, runId)).filter((event) => event.type === "interrupt.requested");
      assert.equal(requested.length, 1, "§10.1: the log has one interrupt.requested while the run waits");
      const request = requested[0]?.payload as Record<string, unknown> | undefined;
      assert.isObject(request, "interrupt.requested payload");
      assert.equal(request.kind, "clarification", "§10.2: interrupt.requested kind");
      assert.equal(request.nodeId, "ask", "§10.2: interrupt.requested nodeId");
      assert.isString(request.interruptId, "§10.2: interrupt.requested interruptId");
      assert.isString(request.key, "§10.2: interrupt.requested key");
      assert.isString(request.requestedAt, "§10.2: interrupt.requested requestedAt");
      assert.deepEqual(
        request.data,
        { questions: [{ id: "q1", question: "What is your favorite color?" }] },
        "§10.5: interrupt.requested data is the fixture's questions",
      );

      const resolved = await client.raw("POST", resolvePath(runId, "ask"), {
        body: { resumeValue: { answers: { q1: "blue" } } },
      });
      assert.equal(resolved.status, 200, "resolve with answers {q1: blue}");
      const answer = resolved.body as Record<string, unknown> | undefined;
      assert.isObject(answer, "§10.3: the 200 body");
      assert.equal(answer.runId, runId, "§10.3: the 200 body's runId");
      assert.equal(answer.nodeId, "ask", "§10.3: the 200 body's nodeId");
      // §10.3: the status the resolving transaction set, which is running (the run is not paused).
      assert.equal(answer.status, "running", "§10.3: the 200 body's status (the run status after the resolution)");
      const done = await waitForTerminal(context, runId);
      assert.equal(done.status, "completed", "status after answering");

      const log = await readLog(context, runId);
      const resolutions = log.filter((event) => event.type === "interrupt.resolved");
      assert.equal(resolutions.length, 1, "§10.3: the log has exactly one interrupt.resolved");
      const resolution = resolutions[0]?.payload as Record<string, unknown> | undefined;
      assert.isObject(resolution, "interrupt.resolved payload");
      assert.equal(resolution.runId, runId, "§10.2: interrupt.resolved runId");
      assert.equal(resolution.nodeId, "ask", "§10.2: interrupt.resolved nodeId");
      assert.equal(resolution.kind, "clarification", "§10.2: interrupt.resolved kind");
      assert.equal(
        resolution.interruptId,
        request.interruptId,
        "§10.2: interrupt.resolved names the interrupt that was requested",
      );
      assert.deepEqual(
        resolution.resumeValue,
        { answers: { q1: "blue" } },
        "§10.2: interrupt.resolved carries the answers sent",
      );
      assert.isString(resolution.resolvedAt, "§10.2: interrupt.resolved resolvedAt");
      const completed = log.find((event) => event.type === "node.completed" && event.nodeId === "ask");
      assert.ok(
        completed !== undefined,
        "§9.7: GET /v1/runs/{runId}/events/poll (conformance-clarification, answered): the log must have " +
          "node.completed for node ask; event order (sequence type)",
        eventOrder(log),
      );
      assert.deepEqual(
        (completed.payload as Record<string, unknown> | null)?.outputs,
        { answers: { q1: "blue" } },
        "§9.7: the clarification node completes with the answers (map form) as its outputs",
      );
      // clarification.resolved is a SHOULD (§10.5); when it is there, it must carry the same answers.
      const legacy = log.find((event) => event.type === "clarification.resolved");
      if (legacy === undefined) context.note("no clarification.resolved (a SHOULD of §10.5)");
      else
        assert.deepEqual(
          (legacy.payload as Record<string, unknown> | null)?.answers,
          { q1: "blue" },
          "§10.5: clarification.resolved answers (map form)",
        );
    },
  },
  {
    id: "interrupt-unknown-node",
    title: "Resolving a node that never suspended gets 404",
    profiles: PROFILES,
    spec: "spec/v1/core.md §10.6",
    gate: needsFixtures("conformance-approval"),
    async run(context) {
      const runId = await suspendedApproval(context);
      const response = await context.client.raw("POST", resolvePath(runId, "no-such-node"), {
        body: { resumeValue: { action: "accept" } },
      });
      assertErrorEnvelope(
        context.assert,
        response,
        { code: ["interrupt_not_found", "not_found"] },
        "resolve an unknown node",
      );
    },
  },
  {
    id: "interrupt-invalid-resume",
    title: "An action outside the gate's actions gets 400 or 422 and leaves the run waiting",
    profiles: PROFILES,
    spec: "spec/v1/core.md §10.4",
    gate: needsFixtures("conformance-approval"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await suspendedApproval(context);
      const response = await client.raw("POST", resolvePath(runId, "gate"), {
        body: { resumeValue: { action: "maybe" } },
      });
      assertErrorEnvelope(
        assert,
        response,
        { status: [400, 422], code: "validation_error" },
        "resolve with action maybe",
      );
      assert.equal(
        (await client.getRun(runId)).status,
        "waiting-approval",
        "a refused resolution leaves the run waiting",
      );
    },
  },
  {
    id: "interrupt-double-resolution",
    title: "A second resolution of the same interrupt gets 404 or 409",
    profiles: PROFILES,
    spec: "spec/v1/core.md §10.6",
    gate: needsFixtures("conformance-approval"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await suspendedApproval(context);
      const first = await client.raw("POST", resolvePath(runId, "gate"), {
        body: { resumeValue: { action: "accept" } },
      });
      assert.equal(first.status, 200, "first resolution");
      const second = await client.raw("POST", resolvePath(runId, "gate"), {
        body: { resumeValue: { action: "accept" } },
      });
      assertErrorEnvelope(
        assert,
        second,
        { code: ["interrupt_not_found", "interrupt_already_resolved"] },
        "second resolution of the same interrupt",
      );
      assert.equal((await waitForTerminal(context, runId)).status, "completed", "the run completes once");
    },
  },
];
