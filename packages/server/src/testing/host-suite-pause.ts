import { describe, expect, it } from "vitest";
import { validatePauseRunResponse, validateResumeRunResponse } from "@openwop/schema";
import { expectErrorEnvelope } from "./error-envelope.js";
import { bearer, request, type HttpResult, type RequestOptions } from "./http.js";
import type { RunProbe } from "./run-probe.js";

/** What the pause section needs of the suite's host. */
export interface PauseSuiteContext {
  url: () => string;
  apiKey: string;
  /** A key of the same tenant with `runs:read` only. */
  readOnlyKey: string;
  /** A key of another tenant with every scope. */
  otherTenantKey: string;
  probe: RunProbe;
}

/** Long enough to pause inside, short enough that a resumed run finishes quickly. */
const DELAY_MS = 1_500;

/**
 * `POST /v1/runs/{runId}:pause` and `:resume` (core.md §6.11) over real sockets: a paused run
 * starts no node however long it waits, answers its interrupts without going on, can be
 * cancelled, and resumes into the status it would have had.
 */
export function describePauseSuite(context: PauseSuiteContext): void {
  const call = (path: string, options: RequestOptions = {}, key = context.apiKey): Promise<HttpResult> =>
    request(context.url(), path, { ...options, headers: { ...bearer(key), ...options.headers } });
  const pause = (runId: string, body?: unknown, key?: string, headers: Record<string, string> = {}) =>
    call(`/v1/runs/${runId}:pause`, { method: "POST", headers, ...(body === undefined ? {} : { body }) }, key);
  const resume = (runId: string, body?: unknown) =>
    call(`/v1/runs/${runId}:resume`, { method: "POST", ...(body === undefined ? {} : { body }) });
  const { probe } = context;

  function expectValid(result: HttpResult, validate: (value: unknown) => { valid: boolean }): void {
    expect(result.status, result.text).toBe(202);
    const checked = validate(result.json) as { valid: boolean; errors?: unknown };
    expect(checked.valid, JSON.stringify(checked.errors ?? [])).toBe(true);
  }

  describe("pause and resume", () => {
    it("advertises pauseResume with both drain policies", async () => {
      const discovery = await request(context.url(), "/.well-known/openwop");
      expect((discovery.json as { runs?: unknown }).runs).toMatchObject({
        pauseResume: { supported: true, drainPolicies: ["drain-current-node", "immediate"] },
      });
    });

    it("holds a paused delay run past its wake time, then resumes it to completion with one intact log", async () => {
      const runId = await probe.create("conformance-delay", { delayMs: DELAY_MS });
      await probe.waitFor(runId, ["running"], 10_000);
      const paused = await pause(runId, { reason: "operator check" });
      expectValid(paused, validatePauseRunResponse);
      expect(paused.json).toMatchObject({ runId, status: "paused" });
      expect((await probe.snapshot(runId))["status"]).toBe("paused");

      const again = expectErrorEnvelope(await pause(runId), 409, "run_not_pausable");
      expect(again.details).toMatchObject({
        runStatus: "paused",
        pausedAt: (paused.json as { pausedAt: string }).pausedAt,
      });

      // Past the delay's wake time, nothing moved: the node never completed, no event followed the pause.
      const before = await probe.events(runId);
      await new Promise((resolve) => setTimeout(resolve, DELAY_MS + 500));
      const after = await probe.events(runId);
      expect(after.map((event) => event.type)).toEqual(before.map((event) => event.type));
      expect(after.at(-1)?.type).toBe("run.paused");
      expect(after.at(-1)?.payload).toMatchObject({ reason: "operator check", drainPolicy: "drain-current-node" });
      expect((await probe.snapshot(runId))["status"]).toBe("paused");

      const resumed = await resume(runId);
      expectValid(resumed, validateResumeRunResponse);
      expect(resumed.json).toMatchObject({ runId, status: "running" });
      expect((await probe.waitForSnapshot(runId, ["completed", "failed", "cancelled"], 10_000))["status"]).toBe(
        "completed",
      );
      const log = await probe.expectIntactLog(runId);
      const types = log.map((event) => event.type);
      expect(types.indexOf("run.paused")).toBeLessThan(types.indexOf("run.resumed"));
      expect(types.indexOf("run.resumed")).toBeLessThan(types.indexOf("node.completed"));
      expect(types.filter((type) => type === "run.started")).toHaveLength(1);

      const late = expectErrorEnvelope(await resume(runId), 409, "run_not_paused");
      expect(late.details).toMatchObject({ runStatus: "completed" });
      const ended = expectErrorEnvelope(await pause(runId), 409, "run_not_pausable");
      expect(ended.details).toMatchObject({ runStatus: "completed" });
    });

    it("pauses at once under immediate, and a waiting run records its answer but waits for the resume", async () => {
      const delayed = await probe.create("conformance-delay", { delayMs: DELAY_MS });
      await probe.waitFor(delayed, ["running"], 10_000);
      expectValid(await pause(delayed, { drainPolicy: "immediate" }), validatePauseRunResponse);
      const pausedEvent = (await probe.events(delayed)).at(-1);
      expect(pausedEvent).toMatchObject({ type: "run.paused", payload: { drainPolicy: "immediate" } });

      const gated = await probe.create("conformance-approval");
      await probe.waitFor(gated, ["waiting-approval"], 10_000);
      expectValid(await pause(gated), validatePauseRunResponse);
      // Resumed without an answer, it goes back to waiting on its approval.
      const back = await resume(gated);
      expect(back.json).toMatchObject({ status: "waiting-approval" });
      expectValid(await pause(gated), validatePauseRunResponse);
      const answered = await call(`/v1/runs/${gated}/interrupts/gate`, {
        method: "POST",
        body: { resumeValue: { action: "accept" } },
      });
      expect(answered.status, answered.text).toBe(200);
      expect(answered.json).toMatchObject({ status: "paused" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await probe.snapshot(gated))["status"]).toBe("paused");
      expect((await resume(gated)).json).toMatchObject({ status: "running" });
      expect((await probe.waitForSnapshot(gated, ["completed", "failed", "cancelled"], 10_000))["status"]).toBe(
        "completed",
      );

      expect((await resume(delayed)).json).toMatchObject({ status: "running" });
      expect((await probe.waitForSnapshot(delayed, ["completed", "failed", "cancelled"], 10_000))["status"]).toBe(
        "completed",
      );
    });

    it("cancels a paused run, and replays a pause sent again with the same Idempotency-Key", async () => {
      const runId = await probe.create("conformance-cancellable");
      await probe.waitFor(runId, ["running"], 10_000);
      const key = `pause-${runId}`;
      const first = await pause(runId, { reason: "hold" }, undefined, { "idempotency-key": key });
      expectValid(first, validatePauseRunResponse);
      const replay = await pause(runId, { reason: "hold" }, undefined, { "idempotency-key": key });
      expect(replay.status).toBe(202);
      expect(replay.json).toEqual(first.json);
      expect(replay.headers.get("openwop-idempotent-replay")).toBe("true");

      const cancelled = await call(`/v1/runs/${runId}/cancel`, { method: "POST" });
      expect(cancelled.status, cancelled.text).toBe(200);
      expect((await probe.waitForSnapshot(runId, ["cancelled"], 5_000))["status"]).toBe("cancelled");
      expect((await probe.expectIntactLog(runId)).at(-1)?.type).toBe("run.cancelled");
      expect(expectErrorEnvelope(await resume(runId), 409, "run_not_paused").details).toMatchObject({
        runStatus: "cancelled",
      });
    });

    it("refuses bad bodies, missing scopes, unknown runs and other tenants' runs with the canonical envelope", async () => {
      const runId = await probe.create("conformance-approval");
      await probe.waitFor(runId, ["waiting-approval"], 10_000);
      expect(
        expectErrorEnvelope(await pause(runId, { drainPolicy: "sideways" }), 400, "validation_error").details,
      ).toMatchObject({ field: "drainPolicy" });
      expectErrorEnvelope(await pause(runId, ["immediate"]), 400, "validation_error");
      expect(
        expectErrorEnvelope(await pause(runId, { until: "later" }), 400, "validation_error").details,
      ).toMatchObject({ field: "until" });
      expectErrorEnvelope(await resume(runId, { now: true }), 400, "validation_error");
      expectErrorEnvelope(await pause(runId, {}, context.readOnlyKey), 403, "forbidden");
      expectErrorEnvelope(await pause(runId, {}, context.otherTenantKey), 404, "not_found");
      expectErrorEnvelope(await pause("run-that-never-was"), 404, "not_found");
      expectErrorEnvelope(await resume("run-that-never-was"), 404, "not_found");
      expectErrorEnvelope(await pause("%00"), 400, "validation_error");
      expectErrorEnvelope(await resume(runId), 409, "run_not_paused");
      expect((await probe.snapshot(runId))["status"]).toBe("waiting-approval");
      await call(`/v1/runs/${runId}/cancel`, { method: "POST" });
    });
  });
}
