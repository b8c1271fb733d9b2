import { describe, expect, it } from "vitest";
import { bearer, request } from "./http.js";
import type { RunProbe } from "./run-probe.js";
import { INTERRUPT_WORKFLOWS, START_END_WORKFLOW } from "./workflows.js";

/** What the node-type section needs of the suite's host. */
export interface NodeTypeSuiteContext {
  url: () => string;
  apiKey: string;
  probe: RunProbe;
}

/** The workflows this section runs; the suite writes them into the host's workflows directory. */
export const NODE_TYPE_SUITE_WORKFLOWS = [START_END_WORKFLOW, ...INTERRUPT_WORKFLOWS] as const;

const TERMINAL = ["completed", "failed", "cancelled"];

/**
 * The reserved node types beyond the fixtures' (core.md §9.11–§9.14), run by a real host:
 * `core.start`, `core.getVariable` with and without a default, `core.end` as the run's
 * result, and `core.interrupt` of each kind and of none it knows.
 */
export function describeNodeTypeSuite({ url, apiKey, probe }: NodeTypeSuiteContext): void {
  const resolve = (runId: string, nodeId: string, resumeValue: unknown) =>
    request(url(), `/v1/runs/${runId}/interrupts/${nodeId}`, {
      method: "POST",
      headers: bearer(apiKey),
      body: { resumeValue },
    });

  describe("reserved node types", () => {
    it("core.start, core.getVariable (set and defaulted) and core.end make the run's result", async () => {
      const runId = await probe.create(START_END_WORKFLOW.id, { who: "ada" });
      expect((await probe.waitForSnapshot(runId, TERMINAL, 10_000))["status"]).toBe("completed");
      const log = await probe.expectIntactLog(runId);
      const completed = (nodeId: string) =>
        log.find((event) => event.type === "node.completed" && event.nodeId === nodeId)?.payload["outputs"];
      expect(completed("begin")).toEqual({});
      expect(completed("who")).toEqual({ name: "who", value: "ada" });
      expect(completed("mood")).toEqual({ name: "mood", value: "calm" });
      const result = log.find((event) => event.type === "run.completed")?.payload["outputs"];
      expect(result).toMatchObject({ finish: { who: "ada", mood: "calm" } });
    });

    it("core.getVariable fails with variable_not_set for an unset variable without a default", async () => {
      const runId = await probe.create(START_END_WORKFLOW.id, {});
      const failed = await probe.waitForSnapshot(runId, TERMINAL, 10_000);
      expect(failed["status"]).toBe("failed");
      expect(failed["error"]).toMatchObject({ code: "variable_not_set" });
    });

    it("core.interrupt of kind approval waits for approval and completes when approved", async () => {
      const runId = await probe.create("suite-interrupt-approval");
      const waiting = await probe.waitForSnapshot(runId, ["waiting-approval", ...TERMINAL], 10_000);
      expect(waiting).toMatchObject({ status: "waiting-approval", currentNodeId: "pause" });
      const requested = (await probe.events(runId)).find((event) => event.type === "interrupt.requested");
      expect(requested?.payload).toMatchObject({ kind: "approval", nodeId: "pause", data: { title: "Ship it?" } });
      expect((await resolve(runId, "pause", { action: "accept" })).status).toBe(200);
      expect((await probe.waitForSnapshot(runId, TERMINAL, 10_000))["status"]).toBe("completed");
    });

    it("core.interrupt of kind clarification waits for input and completes with the answers", async () => {
      const runId = await probe.create("suite-interrupt-clarification");
      expect((await probe.waitForSnapshot(runId, ["waiting-input", ...TERMINAL], 10_000))["status"]).toBe(
        "waiting-input",
      );
      expect((await resolve(runId, "pause", { answers: { q1: "eu-west" } })).status).toBe(200);
      expect((await probe.waitForSnapshot(runId, TERMINAL, 10_000))["status"]).toBe("completed");
      const log = await probe.expectIntactLog(runId);
      expect(log.find((event) => event.type === "node.completed")?.payload["outputs"]).toEqual({
        answers: { q1: "eu-west" },
      });
    });

    it("core.interrupt of an unknown kind fails with invalid_node_config, once, though retries are allowed", async () => {
      const runId = await probe.create("suite-interrupt-bogus");
      const failed = await probe.waitForSnapshot(runId, TERMINAL, 10_000);
      expect(failed["status"]).toBe("failed");
      expect(failed["error"]).toMatchObject({ code: "invalid_node_config", details: { field: "config.kind" } });
      const log = await probe.expectIntactLog(runId);
      expect(log.filter((event) => event.type === "node.started")).toHaveLength(1);
      expect(log.some((event) => event.type === "node.retried")).toBe(false);
    });
  });
}
