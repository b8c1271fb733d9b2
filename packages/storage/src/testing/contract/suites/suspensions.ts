import { describe, expect, it } from "vitest";
import type { RunStep } from "../../../adapter.js";
import type { SuspensionRecord } from "../../../records.js";
import { expectRejection } from "../expect-rejection.js";
import { AWKWARD_JSON, isoAt, newEvent, newSuspension, range, seedRun, T0, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import { readStoredRunState } from "../run-snapshot.js";

const byId = (a: SuspensionRecord, b: SuspensionRecord): number => a.suspensionId.localeCompare(b.suspensionId);

/** Seeds a running run that suspends on one approval, releasing its claim like the engine does. */
async function seedSuspendedRun(harness: AdapterHarness): Promise<{ runId: string; suspension: SuspensionRecord }> {
  const runId = await seedRun(harness.adapter, { status: "running" });
  const claim = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
  const suspension = newSuspension(runId, { data: AWKWARD_JSON });
  await harness.adapter.commitStep({
    runId,
    fence: { holderId: "holder-a", epoch: claim?.epoch ?? -1 },
    events: [newEvent("node.suspended", { suspensionId: suspension.suspensionId }, { nodeId: suspension.nodeId })],
    patch: { status: "waiting-approval", currentNodeId: suspension.nodeId },
    createSuspensions: [suspension],
    releaseClaim: true,
  });
  return { runId, suspension };
}

function resolveStep(runId: string, suspensionId: string, extra: Partial<RunStep> = {}): RunStep {
  return {
    runId,
    settleSuspensions: [
      {
        suspensionId,
        from: "pending",
        to: "resolved",
        resolvedAt: isoAt(500),
        resumeValue: { approved: true, by: "ada" },
      },
    ],
    events: [newEvent("node.resumed")],
    patch: { status: "running" },
    ...extra,
  };
}

export function describeSuspensions(harness: AdapterHarness): void {
  describe("suspensions", () => {
    it("are created by a step together with its events, patch and claim release", async () => {
      const { runId, suspension } = await seedSuspendedRun(harness);
      expect(await harness.adapter.listSuspensions(runId)).toEqual([suspension]);
      expect(await harness.adapter.getRun(runId)).toMatchObject({
        status: "waiting-approval",
        claim: null,
        lastSequence: 0,
      });
    });

    it("are listed by run and filtered by status", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const approval = newSuspension(runId, { kind: "approval", nodeId: "a" });
      const question = newSuspension(runId, { kind: "clarification", nodeId: "b", createdAt: isoAt(11) });
      await harness.adapter.commitStep({
        runId,
        createSuspensions: [approval, question],
        patch: { status: "waiting-input" },
      });
      const otherRun = await seedRun(harness.adapter, { status: "running" });
      await harness.adapter.commitStep({ runId: otherRun, createSuspensions: [newSuspension(otherRun)] });

      expect([...(await harness.adapter.listSuspensions(runId))].sort(byId)).toEqual([approval, question].sort(byId));
      expect([...(await harness.adapter.listSuspensions(runId, { status: "pending" }))].sort(byId)).toEqual(
        [approval, question].sort(byId),
      );
      expect(await harness.adapter.listSuspensions(runId, { status: "resolved" })).toEqual([]);
      expect(await harness.adapter.listSuspensions(uniqueId("missing"))).toEqual([]);
    });

    it("are settled by compare-and-set, recording resolvedAt and resumeValue", async () => {
      const { runId, suspension } = await seedSuspendedRun(harness);
      await harness.adapter.commitStep(
        resolveStep(runId, suspension.suspensionId, { expectStatus: ["waiting-approval"] }),
      );
      const resolved = {
        ...suspension,
        status: "resolved",
        resolvedAt: isoAt(500),
        resumeValue: { approved: true, by: "ada" },
      };
      expect(await harness.adapter.listSuspensions(runId, { status: "resolved" })).toEqual([resolved]);
      expect(await harness.adapter.listSuspensions(runId, { status: "pending" })).toEqual([]);
      expect((await harness.adapter.getRun(runId))?.status).toBe("running");
    });

    it("a second settle from the same state fails with StorageConflictError(suspension-state) and applies nothing", async () => {
      const { runId, suspension } = await seedSuspendedRun(harness);
      await harness.adapter.commitStep(resolveStep(runId, suspension.suspensionId));
      const before = await readStoredRunState(harness.adapter, runId);
      await expectRejection(
        harness.adapter.commitStep(
          resolveStep(runId, suspension.suspensionId, {
            patch: { status: "cancelled", completedAt: isoAt(600) },
            createSuspensions: [newSuspension(runId)],
          }),
        ),
        { name: "StorageConflictError", reason: "suspension-state" },
      );
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);
    });

    it("settling an unknown suspension, or another run's, is a suspension-state conflict", async () => {
      const { runId } = await seedSuspendedRun(harness);
      const other = await seedSuspendedRun(harness);
      const before = await readStoredRunState(harness.adapter, runId);
      await expectRejection(harness.adapter.commitStep(resolveStep(runId, uniqueId("missing"))), {
        name: "StorageConflictError",
        reason: "suspension-state",
      });
      await expectRejection(harness.adapter.commitStep(resolveStep(runId, other.suspension.suspensionId)), {
        name: "StorageConflictError",
        reason: "suspension-state",
      });
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);
      expect(await harness.adapter.listSuspensions(other.runId, { status: "pending" })).toEqual([other.suspension]);
    });

    it("of concurrent settles of one suspension, exactly one wins", async () => {
      const { runId, suspension } = await seedSuspendedRun(harness);
      const outcomes = await Promise.allSettled(
        range(0, 8).map((attempt) =>
          harness.adapter.commitStep({
            runId,
            settleSuspensions: [
              {
                suspensionId: suspension.suspensionId,
                from: "pending",
                to: attempt % 2 ? "resolved" : "cancelled",
                resolvedAt: isoAt(attempt),
              },
            ],
            events: [newEvent("interrupt.settled", { attempt })],
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          expect(outcome.reason).toMatchObject({ name: "StorageConflictError", reason: "suspension-state" });
        }
      }
      expect(await harness.adapter.readEvents(runId)).toHaveLength(2);
    });
  });
}
