import { describe, expect, it } from "vitest";
import type { ApiKeyRecord } from "../../../records.js";
import { expectRejection } from "../expect-rejection.js";
import { isoAt, newApiKey, range, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** When the rotations below happen, and where their grace periods end. */
const AT = isoAt(10 * MINUTE);
const GRACE_UNTIL = isoAt(10 * MINUTE + HOUR);

/** The key that replaces `key` in a rotation: same tenant, scopes, kind and label, a fresh id and hash. */
function successorOf(key: ApiKeyRecord, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return newApiKey({
    tenantId: key.tenantId,
    scopes: key.scopes,
    kind: key.kind,
    label: key.label,
    origin: "api",
    createdAt: AT,
    replaces: key.keyId,
    ...overrides,
  });
}

export function describeKeyRotation(harness: AdapterHarness): void {
  const seedKey = async (overrides: Partial<ApiKeyRecord> = {}): Promise<ApiKeyRecord> => {
    const key = newApiKey(overrides);
    await harness.adapter.createApiKey(key);
    return key;
  };

  /** Asserts that a refused rotation changed nothing: the key as it was, and no successor stored. */
  const expectUnchanged = async (key: ApiKeyRecord, successor: ApiKeyRecord): Promise<void> => {
    expect(await harness.adapter.findApiKey(key.keyHash)).toEqual(key);
    expect(await harness.adapter.findApiKey(successor.keyHash)).toBeNull();
    expect(await harness.adapter.getApiKey(successor.tenantId, successor.keyId)).toBeNull();
  };

  describe("API keys: rotation", () => {
    it("inserts the successor as given and ends the key's life at the grace instant", async () => {
      const key = await seedKey({ scopes: ["runs:read", "keys:manage"], label: "ci 🚀" });
      const successor = successorOf(key);
      const outcome = await harness.adapter.rotateApiKey(key.tenantId, key.keyId, successor, GRACE_UNTIL, AT);
      const rotated = { ...key, expiresAt: GRACE_UNTIL, rotatedAt: AT, replacedBy: successor.keyId };
      expect(outcome).toEqual({ rotated });
      expect(await harness.adapter.getApiKey(key.tenantId, key.keyId)).toEqual(rotated);
      // The old key is still found by its hash: it keeps working until its grace ends.
      expect(await harness.adapter.findApiKey(key.keyHash)).toEqual(rotated);
      expect(await harness.adapter.findApiKey(successor.keyHash)).toEqual(successor);
      expect(await harness.adapter.getApiKey(key.tenantId, successor.keyId)).toEqual(successor);
    });

    it("the key's expiry becomes the earlier of its own and the grace instant", async () => {
      const expiresSooner = await seedKey({ expiresAt: isoAt(20 * MINUTE) });
      const soonerSuccessor = successorOf(expiresSooner);
      expect(
        await harness.adapter.rotateApiKey("tenant-a", expiresSooner.keyId, soonerSuccessor, GRACE_UNTIL, AT),
      ).toEqual({
        rotated: { ...expiresSooner, rotatedAt: AT, replacedBy: soonerSuccessor.keyId },
      });

      const expiresLater = await seedKey({ expiresAt: isoAt(30 * HOUR) });
      const laterSuccessor = successorOf(expiresLater);
      await harness.adapter.rotateApiKey("tenant-a", expiresLater.keyId, laterSuccessor, GRACE_UNTIL, AT);
      expect((await harness.adapter.getApiKey("tenant-a", expiresLater.keyId))?.expiresAt).toBe(GRACE_UNTIL);

      // A zero grace ends the key's life at once.
      const immediate = await seedKey();
      await harness.adapter.rotateApiKey("tenant-a", immediate.keyId, successorOf(immediate), AT, AT);
      expect((await harness.adapter.getApiKey("tenant-a", immediate.keyId))?.expiresAt).toBe(AT);
    });

    it('refuses a key the tenant does not have as "missing", changing nothing', async () => {
      const ofOtherTenant = await seedKey({ tenantId: "tenant-b" });
      const successor = successorOf(ofOtherTenant, { tenantId: "tenant-a" });
      expect(await harness.adapter.rotateApiKey("tenant-a", ofOtherTenant.keyId, successor, GRACE_UNTIL, AT)).toEqual({
        refused: "missing",
      });
      await expectUnchanged(ofOtherTenant, successor);
      expect(await harness.adapter.rotateApiKey("tenant-a", uniqueId("key"), successor, GRACE_UNTIL, AT)).toEqual({
        refused: "missing",
      });
      await expectUnchanged(ofOtherTenant, successor);
    });

    it('refuses a revoked key as "revoked", changing nothing', async () => {
      const key = await seedKey({ revokedAt: isoAt(MINUTE) });
      const successor = successorOf(key);
      expect(await harness.adapter.rotateApiKey("tenant-a", key.keyId, successor, GRACE_UNTIL, AT)).toEqual({
        refused: "revoked",
      });
      await expectUnchanged(key, successor);
    });

    it('refuses a key expired at the instant of rotation (expiresAt <= at) as "expired", changing nothing', async () => {
      const expiredBefore = await seedKey({ expiresAt: isoAt(MINUTE) });
      const expiringNow = await seedKey({ expiresAt: AT });
      for (const key of [expiredBefore, expiringNow]) {
        const successor = successorOf(key);
        expect(await harness.adapter.rotateApiKey("tenant-a", key.keyId, successor, GRACE_UNTIL, AT)).toEqual({
          refused: "expired",
        });
        await expectUnchanged(key, successor);
      }
      // One millisecond later than the rotation, the key is still alive and rotates.
      const stillAlive = await seedKey({ expiresAt: isoAt(10 * MINUTE + 1) });
      expect(
        await harness.adapter.rotateApiKey("tenant-a", stillAlive.keyId, successorOf(stillAlive), GRACE_UNTIL, AT),
      ).toHaveProperty("rotated");
    });

    it('refuses a key rotated before as "rotated" (rotations do not chain), changing nothing', async () => {
      const key = await seedKey();
      const first = successorOf(key);
      await harness.adapter.rotateApiKey("tenant-a", key.keyId, first, GRACE_UNTIL, AT);
      const rotated = await harness.adapter.getApiKey("tenant-a", key.keyId);
      if (!rotated) throw new Error("the rotated key vanished");
      const second = successorOf(key, { createdAt: isoAt(11 * MINUTE) });
      expect(
        await harness.adapter.rotateApiKey("tenant-a", key.keyId, second, isoAt(20 * HOUR), isoAt(11 * MINUTE)),
      ).toEqual({ refused: "rotated" });
      await expectUnchanged(rotated, second);
      expect(await harness.adapter.findApiKey(first.keyHash)).toEqual(first);
    });

    it("refusals follow the key's status: revoked before expired, expired before rotated", async () => {
      const revokedAndExpired = await seedKey({ revokedAt: isoAt(MINUTE), expiresAt: isoAt(2 * MINUTE) });
      expect(
        await harness.adapter.rotateApiKey(
          "tenant-a",
          revokedAndExpired.keyId,
          successorOf(revokedAndExpired),
          GRACE_UNTIL,
          AT,
        ),
      ).toEqual({ refused: "revoked" });

      // Rotated, and its grace is over by the second attempt.
      const key = await seedKey();
      await harness.adapter.rotateApiKey("tenant-a", key.keyId, successorOf(key), isoAt(11 * MINUTE), AT);
      expect(
        await harness.adapter.rotateApiKey("tenant-a", key.keyId, successorOf(key), GRACE_UNTIL, isoAt(12 * MINUTE)),
      ).toEqual({ refused: "expired" });
    });

    it("a successor whose id or hash is taken rejects with StorageConflictError(key-exists) and changes nothing", async () => {
      const key = await seedKey();
      const other = await seedKey();
      for (const successor of [
        successorOf(key, { keyHash: other.keyHash }),
        successorOf(key, { keyId: other.keyId }),
      ]) {
        await expectRejection(harness.adapter.rotateApiKey("tenant-a", key.keyId, successor, GRACE_UNTIL, AT), {
          name: "StorageConflictError",
          reason: "key-exists",
        });
        expect(await harness.adapter.getApiKey("tenant-a", key.keyId)).toEqual(key);
        expect(await harness.adapter.findApiKey(other.keyHash)).toEqual(other);
      }
    });

    it("of concurrent rotations of one key, exactly one succeeds and the others are refused as rotated", async () => {
      const key = await seedKey();
      const successors = range(0, 8).map(() => successorOf(key));
      const outcomes = await Promise.all(
        successors.map((successor) => harness.adapter.rotateApiKey("tenant-a", key.keyId, successor, GRACE_UNTIL, AT)),
      );
      const winners = successors.filter((_, index) => {
        const outcome = outcomes[index];
        return outcome !== undefined && "rotated" in outcome;
      });
      expect(winners).toHaveLength(1);
      const winner = winners[0] as ApiKeyRecord;
      expect(outcomes.filter((outcome) => "refused" in outcome)).toEqual(
        range(0, 7).map(() => ({ refused: "rotated" })),
      );
      expect((await harness.adapter.getApiKey("tenant-a", key.keyId))?.replacedBy).toBe(winner.keyId);
      for (const successor of successors) {
        expect(await harness.adapter.findApiKey(successor.keyHash)).toEqual(successor === winner ? winner : null);
      }
    });
  });

  describe("API keys: revocation", () => {
    it("sets revokedAt and resolves to the key as now stored", async () => {
      const key = await seedKey({ lastUsedAt: isoAt(5) });
      const revoked = { ...key, revokedAt: AT };
      expect(await harness.adapter.revokeApiKey("tenant-a", key.keyId, AT)).toEqual(revoked);
      expect(await harness.adapter.findApiKey(key.keyHash)).toEqual(revoked);
      expect(await harness.adapter.getApiKey("tenant-a", key.keyId)).toEqual(revoked);
    });

    it("revoking again keeps the first revocation instant", async () => {
      const key = await seedKey();
      await harness.adapter.revokeApiKey("tenant-a", key.keyId, AT);
      expect(await harness.adapter.revokeApiKey("tenant-a", key.keyId, isoAt(HOUR))).toEqual({ ...key, revokedAt: AT });
      expect((await harness.adapter.findApiKey(key.keyHash))?.revokedAt).toBe(AT);
    });

    it("revokes a rotated key in its grace period too", async () => {
      const key = await seedKey();
      const successor = successorOf(key);
      await harness.adapter.rotateApiKey("tenant-a", key.keyId, successor, GRACE_UNTIL, AT);
      expect(await harness.adapter.revokeApiKey("tenant-a", key.keyId, isoAt(11 * MINUTE))).toMatchObject({
        revokedAt: isoAt(11 * MINUTE),
        replacedBy: successor.keyId,
      });
      expect(await harness.adapter.findApiKey(successor.keyHash)).toEqual(successor);
    });

    it("resolves null for a key the tenant does not have, changing nothing", async () => {
      const ofOtherTenant = await seedKey({ tenantId: "tenant-b" });
      expect(await harness.adapter.revokeApiKey("tenant-a", ofOtherTenant.keyId, AT)).toBeNull();
      expect(await harness.adapter.revokeApiKey("tenant-a", uniqueId("key"), AT)).toBeNull();
      expect(await harness.adapter.findApiKey(ofOtherTenant.keyHash)).toEqual(ofOtherTenant);
    });
  });
}
