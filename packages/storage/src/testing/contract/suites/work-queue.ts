import { describe, expect, it } from "vitest";
import type { RunStatus } from "../../../records.js";
import { RUN_STATUS_VALUES } from "@openwop/types";
import { pause } from "../../eventually.js";
import { CallRecorder } from "../call-recorder.js";
import { isoAt, newEvent, newSuspension, seedRun, T0 } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import type { ContractSettings } from "../options.js";

export function describeWorkQueue(harness: AdapterHarness, settings: ContractSettings): void {
  const wait = settings.notificationTimeoutMs;

  describe("listClaimableRuns", () => {
    it("lists unclaimed and expired pending/running/cancelling runs, oldest createdAt first", async () => {
      const seed = (status: RunStatus, createdAtOffset: number) =>
        seedRun(harness.adapter, { status, createdAt: isoAt(createdAtOffset), updatedAt: isoAt(createdAtOffset) });
      // Inserted out of age order, so insertion order cannot pass for age order.
      const pendingYoung = await seed("pending", 300);
      const pendingOld = await seed("pending", 100);
      const runningExpired = await seed("running", 200);
      const cancellingUnclaimed = await seed("cancelling", 400);
      const runningLive = await seed("running", 50);
      const pendingLive = await seed("pending", 60);
      for (const status of [
        "completed",
        "failed",
        "cancelled",
        "waiting-approval",
        "waiting-input",
        "waiting-external",
        "paused",
      ] as const) {
        await seed(status, 0);
      }
      await harness.adapter.claimRun(runningExpired, "crashed-worker", 1_000, T0);
      await harness.adapter.claimRun(runningLive, "live-worker", 60_000, T0);
      await harness.adapter.claimRun(pendingLive, "live-worker", 60_000, T0);

      expect(await harness.adapter.listClaimableRuns(T0 + 5_000, 100)).toEqual([
        pendingOld,
        runningExpired,
        pendingYoung,
        cancellingUnclaimed,
      ]);
      expect(await harness.adapter.listClaimableRuns(T0 + 500, 100)).toEqual([
        pendingOld,
        pendingYoung,
        cancellingUnclaimed,
      ]);
    });

    it("respects the limit", async () => {
      const ids: string[] = [];
      for (const offset of [40, 30, 20, 10, 0])
        ids.unshift(await seedRun(harness.adapter, { createdAt: isoAt(offset) }));
      expect(await harness.adapter.listClaimableRuns(T0, 2)).toEqual(ids.slice(0, 2));
      expect(await harness.adapter.listClaimableRuns(T0, 5)).toEqual(ids);
    });

    it("drops a run once claimed and lists it again once released", async () => {
      const runId = await seedRun(harness.adapter);
      await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      expect(await harness.adapter.listClaimableRuns(T0 + 1, 10)).toEqual([]);
      await harness.adapter.releaseClaims("holder-a", [runId]);
      expect(await harness.adapter.listClaimableRuns(T0 + 1, 10)).toEqual([runId]);
    });
  });

  describe("watchWork", () => {
    it("notifies when a run is created", async () => {
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchWork(recorder.listener);
      try {
        await seedRun(harness.adapter);
        await recorder.waitFor(() => true, wait, "watchWork after createRun");
      } finally {
        stop();
      }
    });

    it("notifies when a step releases a run's claim", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const claim = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchWork(recorder.listener);
      try {
        await harness.adapter.commitStep({
          runId,
          fence: { holderId: "holder-a", epoch: claim?.epoch ?? -1 },
          events: [newEvent("node.completed")],
          releaseClaim: true,
        });
        await recorder.waitFor(() => true, wait, "watchWork after a step released the claim");
      } finally {
        stop();
      }
    });

    it("notifies when a step makes a waiting run runnable again", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const suspension = newSuspension(runId);
      await harness.adapter.commitStep({
        runId,
        createSuspensions: [suspension],
        patch: { status: "waiting-approval" },
        events: [newEvent("node.suspended")],
      });
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchWork(recorder.listener);
      try {
        await harness.adapter.commitStep({
          runId,
          expectStatus: ["waiting-approval"],
          settleSuspensions: [
            {
              suspensionId: suspension.suspensionId,
              from: "pending",
              to: "resolved",
              resolvedAt: isoAt(20),
              resumeValue: { approved: true },
            },
          ],
          patch: { status: "running" },
          events: [newEvent("node.resumed")],
        });
        await recorder.waitFor(() => true, wait, "watchWork after the run became runnable");
        expect(await harness.adapter.listClaimableRuns(T0, 10)).toEqual([runId]);
      } finally {
        stop();
      }
    });

    it("notifies when releaseClaims releases a claim", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchWork(recorder.listener);
      try {
        await harness.adapter.releaseClaims("holder-a");
        await recorder.waitFor(() => true, wait, "watchWork after releaseClaims");
      } finally {
        stop();
      }
    });

    it("stops notifying after unsubscribe, and unsubscribing twice is harmless", async () => {
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchWork(recorder.listener);
      stop();
      stop();
      await seedRun(harness.adapter);
      await pause(Math.min(250, wait));
      expect(recorder.calls).toEqual([]);
    });
  });

  describe("countRunsByStatus", () => {
    it("counts runs per status, following status changes", async () => {
      const counts = async (): Promise<Record<string, number>> => {
        const raw = await harness.adapter.countRunsByStatus();
        return Object.fromEntries(
          RUN_STATUS_VALUES.map((status) => [status, raw[status] ?? 0]).filter(([, n]) => n !== 0),
        );
      };
      expect(await counts()).toEqual({});
      const first = await seedRun(harness.adapter, { status: "pending" });
      await seedRun(harness.adapter, { status: "pending" });
      await seedRun(harness.adapter, { status: "running" });
      await seedRun(harness.adapter, { status: "waiting-input" });
      expect(await counts()).toEqual({ pending: 2, running: 1, "waiting-input": 1 });

      await harness.adapter.commitStep({ runId: first, patch: { status: "completed", completedAt: isoAt(9) } });
      expect(await counts()).toEqual({ pending: 1, running: 1, "waiting-input": 1, completed: 1 });
    });
  });
}
