import { describe, expect, it } from "vitest";
import type { RunStatus } from "../../../records.js";
import { isoAt, newEvent, range, seedRun, seedRunsInStatuses, T0, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

/** Statuses a worker may execute: the only ones `claimRun` acquires. */
const CLAIMABLE: readonly RunStatus[] = ["pending", "running", "cancelling"];
/** Terminal, waiting on a human or an external event, or paused by an operator. */
const NOT_CLAIMABLE: readonly RunStatus[] = [
  "completed",
  "failed",
  "cancelled",
  "waiting-approval",
  "waiting-input",
  "waiting-external",
  "paused",
];

export function describeClaims(harness: AdapterHarness): void {
  describe("claimRun", () => {
    it("acquires an unclaimed run with epoch 1 and expiry now + ttl, visible on getRun", async () => {
      const runId = await seedRun(harness.adapter);
      const claim = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      expect(claim).toEqual({ holderId: "holder-a", expiresAt: T0 + 30_000, epoch: 1 });
      expect((await harness.adapter.getRun(runId))?.claim).toEqual(claim);
    });

    it("claims pending, running and cancelling runs", async () => {
      const runIds = await seedRunsInStatuses(harness.adapter, CLAIMABLE);
      for (const runId of runIds) expect(await harness.adapter.claimRun(runId, "holder-a", 30_000, T0)).not.toBeNull();
    });

    it("does not claim terminal, waiting or paused runs, nor unknown ones", async () => {
      const runIds = await seedRunsInStatuses(harness.adapter, NOT_CLAIMABLE);
      for (const runId of runIds) {
        expect(await harness.adapter.claimRun(runId, "holder-a", 30_000, T0)).toBeNull();
        expect((await harness.adapter.getRun(runId))?.claim).toBeNull();
      }
      expect(await harness.adapter.claimRun(uniqueId("missing"), "holder-a", 30_000, T0)).toBeNull();
    });

    it("of many holders racing for one run, exactly one wins", async () => {
      const runId = await seedRun(harness.adapter);
      const holders = range(0, 10).map((index) => `holder-${index}`);
      const claims = await Promise.all(holders.map((holder) => harness.adapter.claimRun(runId, holder, 30_000, T0)));
      const won = claims.filter((claim) => claim !== null);
      expect(won).toHaveLength(1);
      expect((await harness.adapter.getRun(runId))?.claim).toEqual(won[0]);
    });

    it("cannot take a live claim, not even for its own holder", async () => {
      const runId = await seedRun(harness.adapter);
      const claim = await harness.adapter.claimRun(runId, "holder-a", 1_000, T0);
      expect(await harness.adapter.claimRun(runId, "holder-b", 1_000, T0 + 500)).toBeNull();
      expect(await harness.adapter.claimRun(runId, "holder-a", 1_000, T0 + 999)).toBeNull();
      expect((await harness.adapter.getRun(runId))?.claim).toEqual(claim);
    });

    it("takes an expired claim over through the same CAS, from the instant it expires, with the next epoch", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const first = await harness.adapter.claimRun(runId, "holder-a", 1_000, T0);
      expect(await harness.adapter.claimRun(runId, "holder-b", 1_000, T0 + 999)).toBeNull();
      const second = await harness.adapter.claimRun(runId, "holder-b", 2_000, T0 + 1_000);
      expect(second).toEqual({ holderId: "holder-b", expiresAt: T0 + 3_000, epoch: (first?.epoch ?? 0) + 1 });
      expect((await harness.adapter.getRun(runId))?.claim).toEqual(second);
    });

    it("increments the epoch on every acquisition, across releases and takeovers", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const epochs: number[] = [];
      const first = await harness.adapter.claimRun(runId, "holder-a", 1_000, T0);
      epochs.push(first?.epoch ?? -1);
      await harness.adapter.releaseClaims("holder-a");
      const second = await harness.adapter.claimRun(runId, "holder-a", 1_000, T0);
      epochs.push(second?.epoch ?? -1);
      await harness.adapter.commitStep({
        runId,
        fence: { holderId: "holder-a", epoch: second?.epoch ?? -1 },
        events: [newEvent("node.completed")],
        releaseClaim: true,
      });
      epochs.push((await harness.adapter.claimRun(runId, "holder-b", 1_000, T0 + 10))?.epoch ?? -1);
      epochs.push((await harness.adapter.claimRun(runId, "holder-c", 1_000, T0 + 5_000))?.epoch ?? -1);
      expect(epochs).toEqual([1, 2, 3, 4]);
    });
  });

  describe("renewClaims", () => {
    it("extends only the holder's own claims and resolves to their run ids", async () => {
      const [mine1, mine2, theirs] = await seedRunsInStatuses(harness.adapter, ["running", "pending", "running"]);
      await harness.adapter.claimRun(mine1, "holder-a", 1_000, T0);
      await harness.adapter.claimRun(mine2, "holder-a", 1_000, T0);
      const other = await harness.adapter.claimRun(theirs, "holder-b", 1_000, T0);

      const renewed = await harness.adapter.renewClaims("holder-a", 5_000, T0 + 500);
      expect([...renewed].sort()).toEqual([mine1, mine2].sort());
      expect((await harness.adapter.getRun(mine1))?.claim).toEqual({
        holderId: "holder-a",
        expiresAt: T0 + 5_500,
        epoch: 1,
      });
      expect((await harness.adapter.getRun(mine2))?.claim).toEqual({
        holderId: "holder-a",
        expiresAt: T0 + 5_500,
        epoch: 1,
      });
      expect((await harness.adapter.getRun(theirs))?.claim).toEqual(other);
    });

    it("does not renew a claim another holder took over", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      await harness.adapter.claimRun(runId, "holder-a", 1_000, T0);
      const takeover = await harness.adapter.claimRun(runId, "holder-b", 10_000, T0 + 2_000);
      expect(await harness.adapter.renewClaims("holder-a", 10_000, T0 + 2_500)).toEqual([]);
      expect((await harness.adapter.getRun(runId))?.claim).toEqual(takeover);
    });
  });

  describe("releaseClaims", () => {
    it("releases only the named runs of the holder", async () => {
      const [a1, a2, b1] = await seedRunsInStatuses(harness.adapter, ["running", "running", "running"]);
      await harness.adapter.claimRun(a1, "holder-a", 30_000, T0);
      const keptA = await harness.adapter.claimRun(a2, "holder-a", 30_000, T0);
      const keptB = await harness.adapter.claimRun(b1, "holder-b", 30_000, T0);

      await harness.adapter.releaseClaims("holder-a", [a1, b1]);
      expect((await harness.adapter.getRun(a1))?.claim).toBeNull();
      expect((await harness.adapter.getRun(a2))?.claim).toEqual(keptA);
      expect((await harness.adapter.getRun(b1))?.claim).toEqual(keptB);
    });

    it("releases every claim of the holder when no run ids are given, keeping status and log", async () => {
      const [a1, a2, b1] = await seedRunsInStatuses(harness.adapter, ["running", "cancelling", "running"]);
      await harness.adapter.claimRun(a1, "holder-a", 30_000, T0);
      await harness.adapter.claimRun(a2, "holder-a", 30_000, T0);
      const keptB = await harness.adapter.claimRun(b1, "holder-b", 30_000, T0);
      await harness.adapter.commitStep({
        runId: a1,
        events: [newEvent("node.started")],
        patch: { updatedAt: isoAt(3) },
      });

      await harness.adapter.releaseClaims("holder-a");
      expect(await harness.adapter.getRun(a1)).toMatchObject({ status: "running", claim: null, lastSequence: 0 });
      expect(await harness.adapter.getRun(a2)).toMatchObject({ status: "cancelling", claim: null });
      expect((await harness.adapter.getRun(b1))?.claim).toEqual(keptB);
    });
  });
}
