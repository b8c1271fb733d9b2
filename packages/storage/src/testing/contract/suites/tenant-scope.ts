import { describe, expect, it } from "vitest";
import type { RunStep } from "../../../adapter.js";
import type { SuspensionRecord } from "../../../records.js";
import { expectRejection } from "../expect-rejection.js";
import { isoAt, newEvent, newSuspension, numberedEvents, seedRun, T0, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import { readStoredRunState } from "../run-snapshot.js";
import type { ContractSettings } from "../options.js";
import { CallRecorder } from "../call-recorder.js";

const OWNER = "tenant-a";
const STRANGER = "tenant-b";

export function describeTenantScope(harness: AdapterHarness, settings: ContractSettings): void {
  /** A running run of {@link OWNER} with three events and one pending suspension. */
  const seedOwnedRun = async (): Promise<{ runId: string; suspension: SuspensionRecord }> => {
    const runId = await seedRun(harness.adapter, { status: "running", tenantId: OWNER }, numberedEvents(3));
    const suspension = newSuspension(runId);
    await harness.adapter.commitStep({ runId, createSuspensions: [suspension] });
    return { runId, suspension };
  };

  describe("tenant scope of run reads and writes", () => {
    it("getRun with another tenant reads as missing, with the run's own tenant as without one", async () => {
      const { runId } = await seedOwnedRun();
      const run = await harness.adapter.getRun(runId);
      expect(run).not.toBeNull();
      expect(await harness.adapter.getRun(runId, OWNER)).toEqual(run);
      expect(await harness.adapter.getRun(runId, STRANGER)).toBeNull();
      expect(await harness.adapter.getRun(uniqueId("missing"), OWNER)).toBeNull();
    });

    it("readEvents with another tenant reads an empty log", async () => {
      const { runId } = await seedOwnedRun();
      const log = await harness.adapter.readEvents(runId);
      expect(log).toHaveLength(3);
      expect(await harness.adapter.readEvents(runId, { tenantId: OWNER })).toEqual(log);
      expect(await harness.adapter.readEvents(runId, { tenantId: OWNER, fromSequence: 1, limit: 1 })).toEqual(
        log.slice(1, 2),
      );
      expect(await harness.adapter.readEvents(runId, { tenantId: STRANGER })).toEqual([]);
      expect(await harness.adapter.readEvents(runId, { tenantId: STRANGER, fromSequence: 2 })).toEqual([]);
    });

    it("readEvents with another tenant reads an empty log while the run is watched and just written", async () => {
      const { runId } = await seedOwnedRun();
      // Adapters may answer reads of watched runs from what they just committed: that answer is scoped too.
      const recorder = new CallRecorder<[number]>();
      const stop = harness.adapter.watchEvents(runId, recorder.listener);
      try {
        const appended = await harness.adapter.commitStep({ runId, events: numberedEvents(2) });
        await recorder.waitFor(([last]) => last === 4, settings.notificationTimeoutMs, "watchEvents after an append");
        expect(await harness.adapter.readEvents(runId, { fromSequence: 3, tenantId: STRANGER })).toEqual([]);
        expect(await harness.adapter.readEvents(runId, { fromSequence: 3, tenantId: OWNER })).toEqual(appended);
        expect(await harness.adapter.readEvents(runId, { fromSequence: 3 })).toEqual(appended);
      } finally {
        stop();
      }
    });

    it("listSuspensions with another tenant lists nothing, and combines with the status filter", async () => {
      const { runId, suspension } = await seedOwnedRun();
      expect(await harness.adapter.listSuspensions(runId, { tenantId: OWNER })).toEqual([suspension]);
      expect(await harness.adapter.listSuspensions(runId, { tenantId: OWNER, status: "pending" })).toEqual([
        suspension,
      ]);
      expect(await harness.adapter.listSuspensions(runId, { tenantId: OWNER, status: "resolved" })).toEqual([]);
      expect(await harness.adapter.listSuspensions(runId, { tenantId: STRANGER })).toEqual([]);
      expect(await harness.adapter.listSuspensions(runId, { tenantId: STRANGER, status: "pending" })).toEqual([]);
    });

    it("commitStep with another tenant fails exactly like a missing run and changes nothing", async () => {
      const { runId, suspension } = await seedOwnedRun();
      const claim = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      const before = await readStoredRunState(harness.adapter, runId);
      const step: RunStep = {
        runId,
        tenantId: STRANGER,
        fence: { holderId: "holder-a", epoch: claim?.epoch ?? -1 },
        expectStatus: ["running"],
        events: [newEvent("run.cancelled")],
        patch: { status: "cancelled", completedAt: isoAt(100), cancelRequested: true },
        createSuspensions: [newSuspension(runId)],
        settleSuspensions: [
          { suspensionId: suspension.suspensionId, from: "pending", to: "cancelled", resolvedAt: isoAt(100) },
        ],
        releaseClaim: true,
      };
      await expectRejection(harness.adapter.commitStep(step), { name: "RunNotFoundError", runId });
      // Also when another precondition would have failed as well: the tenant goes first, as a missing run would.
      await expectRejection(
        harness.adapter.commitStep({ ...step, fence: { holderId: "holder-b", epoch: 99 }, expectStatus: ["paused"] }),
        { name: "RunNotFoundError", runId },
      );
      await expectRejection(harness.adapter.commitStep({ runId, tenantId: STRANGER, patch: { currentNodeId: "x" } }), {
        name: "RunNotFoundError",
        runId,
      });
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);

      const appended = await harness.adapter.commitStep({ ...step, tenantId: OWNER });
      expect(appended.map((event) => event.sequence)).toEqual([3]);
      expect(await harness.adapter.getRun(runId)).toMatchObject({ status: "cancelled", claim: null, lastSequence: 3 });
    });

    it("commitStep with a tenant on an unknown run is a RunNotFoundError", async () => {
      const runId = uniqueId("missing");
      await expectRejection(harness.adapter.commitStep({ runId, tenantId: OWNER, events: [newEvent("x")] }), {
        name: "RunNotFoundError",
        runId,
      });
      expect(await harness.adapter.readEvents(runId)).toEqual([]);
    });

    it("expireRun with another tenant answers false and leaves the run as it was", async () => {
      const { runId } = await seedOwnedRun();
      await harness.adapter.commitStep({ runId, patch: { status: "completed", completedAt: isoAt(50) } });
      const before = await readStoredRunState(harness.adapter, runId);
      expect(await harness.adapter.expireRun(runId, isoAt(1_000), STRANGER)).toBe(false);
      expect(await readStoredRunState(harness.adapter, runId)).toEqual(before);
      expect(await harness.adapter.getTombstone(runId)).toBeNull();

      expect(await harness.adapter.expireRun(runId, isoAt(1_000), OWNER)).toBe(true);
      expect(await harness.adapter.getRun(runId)).toBeNull();
      expect(await harness.adapter.expireRun(uniqueId("missing"), isoAt(1_000), OWNER)).toBe(false);
    });

    it("getTombstone with another tenant reads as missing", async () => {
      const { runId } = await seedOwnedRun();
      expect(await harness.adapter.expireRun(runId, isoAt(1_000))).toBe(true);
      const tombstone = { runId, tenantId: OWNER, expiredAt: isoAt(1_000) };
      expect(await harness.adapter.getTombstone(runId)).toEqual(tombstone);
      expect(await harness.adapter.getTombstone(runId, OWNER)).toEqual(tombstone);
      expect(await harness.adapter.getTombstone(runId, STRANGER)).toBeNull();
      expect(await harness.adapter.getTombstone(uniqueId("missing"), OWNER)).toBeNull();
    });
  });
}
