import { describe, expect, it } from "vitest";
import type { RunStatus } from "../../../records.js";
import { isoAt, newEvent, newSuspension, numberedEvents, seedRun, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

const DAY = 86_400_000;
const CUTOFF = isoAt(30 * DAY);
const EXPIRED_AT = isoAt(31 * DAY);

export function describeRetention(harness: AdapterHarness): void {
  /** A run that reached `status` at `completedAtDay` (or never, for null), with events and a settled suspension. */
  const seedFinished = async (
    status: RunStatus,
    completedAtDay: number | null,
    tenantId = "tenant-a",
  ): Promise<string> => {
    const runId = await seedRun(harness.adapter, { status: "running", tenantId }, numberedEvents(3));
    await harness.adapter.commitStep({
      runId,
      createSuspensions: [newSuspension(runId, { status: "resolved", resolvedAt: isoAt(DAY) })],
      events: [newEvent(`run.${status}`)],
      patch: { status, completedAt: completedAtDay === null ? null : isoAt(completedAtDay * DAY) },
    });
    return runId;
  };

  describe("retention", () => {
    it("expireRuns deletes only terminal runs completed before the cutoff", async () => {
      const completedOld = await seedFinished("completed", 1, "tenant-b");
      const failedOld = await seedFinished("failed", 2);
      const cancelledOld = await seedFinished("cancelled", 29);
      const completedRecent = await seedFinished("completed", 30);
      const runningOld = await seedFinished("running", 1);
      const waitingOld = await seedFinished("waiting-approval", 1);
      const pausedOld = await seedFinished("paused", 1);

      const expired = await harness.adapter.expireRuns(CUTOFF, 100, EXPIRED_AT);
      expect([...expired].sort()).toEqual([completedOld, failedOld, cancelledOld].sort());
      for (const runId of expired) expect(await harness.adapter.getRun(runId)).toBeNull();
      for (const runId of [completedRecent, runningOld, waitingOld, pausedOld]) {
        expect(await harness.adapter.getRun(runId)).not.toBeNull();
        expect(await harness.adapter.readEvents(runId)).toHaveLength(4);
        expect(await harness.adapter.getTombstone(runId)).toBeNull();
      }
      expect(await harness.adapter.expireRuns(CUTOFF, 100, EXPIRED_AT)).toEqual([]);
    });

    it("an expired run loses its events and suspensions and leaves a tombstone", async () => {
      const runId = await seedFinished("completed", 1, "tenant-b");
      expect(await harness.adapter.expireRuns(CUTOFF, 10, EXPIRED_AT)).toEqual([runId]);
      expect(await harness.adapter.getRun(runId)).toBeNull();
      expect(await harness.adapter.readEvents(runId)).toEqual([]);
      expect(await harness.adapter.latestEvent(runId)).toBeNull();
      expect(await harness.adapter.listSuspensions(runId)).toEqual([]);
      expect(await harness.adapter.getTombstone(runId)).toEqual({ runId, tenantId: "tenant-b", expiredAt: EXPIRED_AT });
    });

    it("expireRuns works in batches of at most `limit`", async () => {
      const runIds: string[] = [];
      for (const day of [1, 2, 3, 4, 5]) runIds.push(await seedFinished("completed", day));
      const batches = [
        await harness.adapter.expireRuns(CUTOFF, 2, EXPIRED_AT),
        await harness.adapter.expireRuns(CUTOFF, 2, EXPIRED_AT),
        await harness.adapter.expireRuns(CUTOFF, 2, EXPIRED_AT),
        await harness.adapter.expireRuns(CUTOFF, 2, EXPIRED_AT),
      ];
      expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1, 0]);
      expect(batches.flat().sort()).toEqual([...runIds].sort());
      for (const runId of runIds) expect(await harness.adapter.getTombstone(runId)).not.toBeNull();
    });

    it("expireRun force-expires one run whatever its age, and answers false for an unknown run", async () => {
      const recent = await seedFinished("completed", 60);
      const neighbour = await seedFinished("completed", 60);
      expect(await harness.adapter.expireRun(recent, EXPIRED_AT)).toBe(true);
      expect(await harness.adapter.getRun(recent)).toBeNull();
      expect(await harness.adapter.readEvents(recent)).toEqual([]);
      expect(await harness.adapter.getTombstone(recent)).toEqual({
        runId: recent,
        tenantId: "tenant-a",
        expiredAt: EXPIRED_AT,
      });
      expect(await harness.adapter.getRun(neighbour)).not.toBeNull();
      expect(await harness.adapter.expireRun(uniqueId("missing"), EXPIRED_AT)).toBe(false);
      expect(await harness.adapter.expireRun(recent, EXPIRED_AT)).toBe(false);
    });

    it("getTombstone resolves null for a live or unknown run", async () => {
      const live = await seedFinished("completed", 1);
      expect(await harness.adapter.getTombstone(live)).toBeNull();
      expect(await harness.adapter.getTombstone(uniqueId("missing"))).toBeNull();
    });
  });
}
