import { describe, expect, it } from "vitest";
import type { RunStep } from "../../../adapter.js";
import type { RunPatch } from "../../../records.js";
import { expectRejection } from "../expect-rejection.js";
import { isoAt, newEvent, newSuspension, numberedEvents, seedRun, T0, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import { readStoredRunState } from "../run-snapshot.js";

/** A step that would change every kind of state, to prove a rejected one changed none. */
function everythingStep(runId: string, extra: Partial<RunStep>): RunStep {
  return {
    runId,
    events: [newEvent("node.completed", { node: "a" }, { nodeId: "a" }), newEvent("run.completed")],
    patch: { status: "completed", completedAt: isoAt(100), updatedAt: isoAt(100), currentNodeId: "c" },
    createSuspensions: [newSuspension(runId)],
    releaseClaim: true,
    ...extra,
  };
}

export function describeStepCommit(harness: AdapterHarness): void {
  describe("commitStep", () => {
    it("appends events after the existing ones and patches the run in the same step", async () => {
      const runId = await seedRun(harness.adapter, {}, [newEvent("run.created")]);
      const before = await harness.adapter.getRun(runId);
      const patch: RunPatch = {
        status: "running",
        startedAt: isoAt(10),
        updatedAt: isoAt(10),
        currentNodeId: "a",
        variables: { name: "Ada", step: 1 },
        engineState: { nodes: { a: "running" } },
      };
      const appended = await harness.adapter.commitStep({
        runId,
        events: [newEvent("run.started"), newEvent("node.started", {}, { nodeId: "a" })],
        patch,
      });
      expect(appended.map((event) => [event.sequence, event.type, event.runId])).toEqual([
        [1, "run.started", runId],
        [2, "node.started", runId],
      ]);
      expect(await harness.adapter.getRun(runId)).toEqual({ ...before, ...patch, lastSequence: 2 });
      expect((await harness.adapter.readEvents(runId)).slice(1)).toEqual(appended);
    });

    it("applies every patchable field, including explicit nulls, and leaves absent fields alone", async () => {
      const runId = await seedRun(harness.adapter, { status: "running", currentNodeId: "a", startedAt: isoAt(1) });
      const failing: RunPatch = {
        status: "failed",
        error: { code: "node_failed", message: "boom", details: { node: "a" } },
        cancelRequested: true,
        completedAt: isoAt(20),
        updatedAt: isoAt(20),
        currentNodeId: null,
      };
      await harness.adapter.commitStep({ runId, patch: failing });
      const failed = await harness.adapter.getRun(runId);
      expect(failed).toMatchObject({ ...failing, startedAt: isoAt(1), workflowId: "wf-three-nodes" });

      const reset: RunPatch = {
        status: "running",
        error: null,
        completedAt: null,
        startedAt: null,
        cancelRequested: false,
      };
      await harness.adapter.commitStep({ runId, patch: reset });
      expect(await harness.adapter.getRun(runId)).toEqual({ ...failed, ...reset });
    });

    it("a step without a patch only appends, and a step without events only patches", async () => {
      const runId = await seedRun(harness.adapter);
      const before = await harness.adapter.getRun(runId);
      await harness.adapter.commitStep({ runId, events: [newEvent("node.progress")] });
      expect(await harness.adapter.getRun(runId)).toEqual({ ...before, lastSequence: 0 });

      const appended = await harness.adapter.commitStep({ runId, patch: { currentNodeId: "b" } });
      expect(appended).toEqual([]);
      expect(await harness.adapter.getRun(runId)).toEqual({ ...before, currentNodeId: "b", lastSequence: 0 });
      expect(await harness.adapter.readEvents(runId)).toHaveLength(1);
    });

    it("rejects a step on an unknown run with RunNotFoundError", async () => {
      const runId = uniqueId("missing");
      await expectRejection(harness.adapter.commitStep({ runId, events: [newEvent("run.started")] }), {
        name: "RunNotFoundError",
        runId,
      });
      expect(await harness.adapter.readEvents(runId)).toEqual([]);
    });

    it("accepts a step whose expectStatus includes the run's status", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      await harness.adapter.commitStep({
        runId,
        expectStatus: ["pending", "running"],
        patch: { status: "cancelling" },
      });
      expect((await harness.adapter.getRun(runId))?.status).toBe("cancelling");
    });

    it("rejects with StorageConflictError(run-status) when expectStatus does not hold, applying nothing", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" }, [newEvent("run.created")]);
      await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      const before = await readStoredRunState(harness.adapter, runId);
      await expectRejection(
        harness.adapter.commitStep(everythingStep(runId, { expectStatus: ["pending", "paused"] })),
        {
          name: "StorageConflictError",
          reason: "run-status",
        },
      );
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);
    });

    it("accepts a step fenced by the current holder and epoch, and releases the claim when asked", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const claim = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      expect(claim).not.toBeNull();
      await harness.adapter.commitStep({
        runId,
        fence: { holderId: "holder-a", epoch: claim?.epoch ?? -1 },
        events: [newEvent("run.completed")],
        patch: { status: "completed", completedAt: isoAt(50) },
        releaseClaim: true,
      });
      expect(await harness.adapter.getRun(runId)).toMatchObject({ status: "completed", claim: null, lastSequence: 0 });
    });

    it("rejects a step fenced with a stale epoch with ClaimLostError, applying nothing", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" }, [newEvent("run.created")]);
      const first = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      await harness.adapter.releaseClaims("holder-a", [runId]);
      const second = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0 + 1);
      expect(second?.epoch).toBeGreaterThan(first?.epoch ?? Number.POSITIVE_INFINITY);
      const before = await readStoredRunState(harness.adapter, runId);
      await expectRejection(
        harness.adapter.commitStep(
          everythingStep(runId, { fence: { holderId: "holder-a", epoch: first?.epoch ?? -1 } }),
        ),
        { name: "ClaimLostError", runId, holderId: "holder-a" },
      );
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);
    });

    it("rejects a step fenced by a holder that does not hold the claim with ClaimLostError, applying nothing", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const claim = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      const before = await readStoredRunState(harness.adapter, runId);
      await expectRejection(
        harness.adapter.commitStep(
          everythingStep(runId, { fence: { holderId: "holder-b", epoch: claim?.epoch ?? -1 } }),
        ),
        { name: "ClaimLostError", runId, holderId: "holder-b" },
      );
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);
    });

    it("rejects the old holder's fenced step once another holder took the expired claim over", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const stale = await harness.adapter.claimRun(runId, "holder-a", 1_000, T0);
      expect(await harness.adapter.claimRun(runId, "holder-b", 1_000, T0 + 5_000)).not.toBeNull();
      const before = await readStoredRunState(harness.adapter, runId);
      await expectRejection(
        harness.adapter.commitStep(
          everythingStep(runId, { fence: { holderId: "holder-a", epoch: stale?.epoch ?? -1 } }),
        ),
        { name: "ClaimLostError", runId, holderId: "holder-a" },
      );
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);
    });

    it("rejects a fenced step after the claim was released, applying nothing", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const claim = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      await harness.adapter.releaseClaims("holder-a");
      const before = await readStoredRunState(harness.adapter, runId);
      await expectRejection(
        harness.adapter.commitStep(
          everythingStep(runId, { fence: { holderId: "holder-a", epoch: claim?.epoch ?? -1 } }),
        ),
        { name: "ClaimLostError", runId },
      );
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);
    });

    it("returns the same events that readEvents later serves", async () => {
      const runId = await seedRun(harness.adapter);
      const first = await harness.adapter.commitStep({ runId, events: numberedEvents(3) });
      const second = await harness.adapter.commitStep({ runId, events: numberedEvents(2, { type: "node.completed" }) });
      expect(await harness.adapter.readEvents(runId)).toEqual([...first, ...second]);
      expect(second.map((event) => event.sequence)).toEqual([3, 4]);
    });
  });
}
