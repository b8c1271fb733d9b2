import { describe, expect, it } from "vitest";
import type { IdempotencyRecord, IdempotentResponse } from "../../../records.js";
import { isoAt, newIdempotencyRecord, range, T0, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

const RESPONSE: IdempotentResponse = {
  status: 202,
  headers: { "content-type": "application/json", "x-correlation-id": "corr-1" },
  body: { runId: "run-1", status: "cancelling", note: "ünïcode 🚀" },
};

export function describeIdempotency(harness: AdapterHarness): void {
  describe("idempotency records", () => {
    it("claimIdempotencyKey inserts a pending record when none exists", async () => {
      const record = newIdempotencyRecord();
      expect(await harness.adapter.claimIdempotencyKey(record, T0)).toEqual({ outcome: "claimed", record });
      expect(await harness.adapter.getIdempotencyRecord(record.recordKey)).toEqual(record);
    });

    it("a live pending record is answered as existing, unchanged", async () => {
      const first = newIdempotencyRecord({ leaseExpiresAt: T0 + 30_000 });
      await harness.adapter.claimIdempotencyKey(first, T0);
      const retry = { ...first, requestDigest: "sha256:different", leaseExpiresAt: T0 + 60_000 };
      expect(await harness.adapter.claimIdempotencyKey(retry, T0 + 29_999)).toEqual({
        outcome: "existing",
        record: first,
      });
      expect(await harness.adapter.getIdempotencyRecord(first.recordKey)).toEqual(first);
    });

    it("of concurrent claims of one key, exactly one is claimed and the rest see the winner", async () => {
      const recordKey = uniqueId("idem");
      const contenders = range(0, 10).map((index) =>
        newIdempotencyRecord({ recordKey, requestDigest: `sha256:${index}` }),
      );
      const claims = await Promise.all(contenders.map((record) => harness.adapter.claimIdempotencyKey(record, T0)));
      const winners = claims.filter((claim) => claim.outcome === "claimed");
      expect(winners).toHaveLength(1);
      for (const claim of claims) expect(claim.record).toEqual(winners[0]?.record);
      expect(await harness.adapter.getIdempotencyRecord(recordKey)).toEqual(winners[0]?.record);
    });

    it("a pending record whose lease expired is taken over by compare-and-set", async () => {
      const abandoned = newIdempotencyRecord({ leaseExpiresAt: T0 + 1_000 });
      await harness.adapter.claimIdempotencyKey(abandoned, T0);
      const retry: IdempotencyRecord = {
        ...abandoned,
        requestDigest: "sha256:retry",
        leaseExpiresAt: T0 + 31_000,
        createdAt: isoAt(1_000),
      };
      expect(await harness.adapter.claimIdempotencyKey(retry, T0 + 1_000)).toEqual({
        outcome: "claimed",
        record: retry,
      });
      expect(await harness.adapter.getIdempotencyRecord(abandoned.recordKey)).toEqual(retry);
    });

    it("of concurrent takeovers of one expired lease, exactly one wins", async () => {
      const abandoned = newIdempotencyRecord({ leaseExpiresAt: T0 + 1_000 });
      await harness.adapter.claimIdempotencyKey(abandoned, T0);
      const contenders = range(0, 10).map((index) => ({
        ...abandoned,
        requestDigest: `sha256:takeover-${index}`,
        leaseExpiresAt: T0 + 60_000,
      }));
      const claims = await Promise.all(
        contenders.map((record) => harness.adapter.claimIdempotencyKey(record, T0 + 5_000)),
      );
      const winners = claims.filter((claim) => claim.outcome === "claimed");
      expect(winners).toHaveLength(1);
      for (const claim of claims) expect(claim.record).toEqual(winners[0]?.record);
    });

    it("completeIdempotencyKey stores the final response, and a completed record is never taken over", async () => {
      const record = newIdempotencyRecord({ leaseExpiresAt: T0 + 1_000 });
      await harness.adapter.claimIdempotencyKey(record, T0);
      await harness.adapter.completeIdempotencyKey(record.recordKey, RESPONSE);
      const completed = { ...record, state: "completed", response: RESPONSE };
      expect(await harness.adapter.getIdempotencyRecord(record.recordKey)).toMatchObject(completed);

      const late = { ...record, requestDigest: "sha256:late", leaseExpiresAt: T0 + 999_999 };
      const claim = await harness.adapter.claimIdempotencyKey(late, T0 + 500_000);
      expect(claim.outcome).toBe("existing");
      expect(claim.record).toMatchObject(completed);
    });

    it("releaseIdempotencyKey deletes a pending record so the key can be claimed afresh", async () => {
      const record = newIdempotencyRecord();
      await harness.adapter.claimIdempotencyKey(record, T0);
      await harness.adapter.releaseIdempotencyKey(record.recordKey);
      expect(await harness.adapter.getIdempotencyRecord(record.recordKey)).toBeNull();
      const again = { ...record, requestDigest: "sha256:again" };
      expect(await harness.adapter.claimIdempotencyKey(again, T0)).toEqual({ outcome: "claimed", record: again });
    });

    it("purgeIdempotencyRecords deletes records created before the cutoff and counts them", async () => {
      const oldCompleted = newIdempotencyRecord({ createdAt: isoAt(-3_000) });
      const old = [oldCompleted, newIdempotencyRecord({ createdAt: isoAt(-2_000) })];
      const young = [newIdempotencyRecord({ createdAt: isoAt(0) }), newIdempotencyRecord({ createdAt: isoAt(5_000) })];
      for (const record of [...old, ...young]) await harness.adapter.claimIdempotencyKey(record, T0);
      await harness.adapter.completeIdempotencyKey(oldCompleted.recordKey, RESPONSE);

      expect(await harness.adapter.purgeIdempotencyRecords(isoAt(0))).toBe(2);
      for (const record of old) expect(await harness.adapter.getIdempotencyRecord(record.recordKey)).toBeNull();
      for (const record of young) expect(await harness.adapter.getIdempotencyRecord(record.recordKey)).toEqual(record);
      expect(await harness.adapter.purgeIdempotencyRecords(isoAt(0))).toBe(0);
    });

    it("getIdempotencyRecord resolves null for an unknown key", async () => {
      expect(await harness.adapter.getIdempotencyRecord(uniqueId("missing"))).toBeNull();
    });
  });
}
