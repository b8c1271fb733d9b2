import { describe, expect, it } from "vitest";
import type { ApiKeyRecord } from "../../../records.js";
import { isoAt, newApiKey, newAuthFailure, seedRun, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export function describeKeyState(harness: AdapterHarness): void {
  const seedKey = async (overrides: Partial<ApiKeyRecord> = {}): Promise<ApiKeyRecord> => {
    const key = newApiKey(overrides);
    await harness.adapter.createApiKey(key);
    return key;
  };

  describe("API keys: recorded use", () => {
    it("raises lastUsedAt to the latest instant and never lowers it, changing nothing else", async () => {
      const key = await seedKey();
      const other = await seedKey({ tenantId: "tenant-b" });
      await harness.adapter.recordKeyUse([{ keyId: key.keyId, usedAt: isoAt(5_000) }]);
      expect(await harness.adapter.findApiKey(key.keyHash)).toEqual({ ...key, lastUsedAt: isoAt(5_000) });

      await harness.adapter.recordKeyUse([{ keyId: key.keyId, usedAt: isoAt(3_000) }]);
      expect((await harness.adapter.findApiKey(key.keyHash))?.lastUsedAt).toBe(isoAt(5_000));

      // One batch may name a key more than once (and keys of several tenants).
      await harness.adapter.recordKeyUse([
        { keyId: key.keyId, usedAt: isoAt(12_000) },
        { keyId: other.keyId, usedAt: isoAt(7_000) },
        { keyId: key.keyId, usedAt: isoAt(9_000) },
      ]);
      expect(await harness.adapter.findApiKey(key.keyHash)).toEqual({ ...key, lastUsedAt: isoAt(12_000) });
      expect(await harness.adapter.findApiKey(other.keyHash)).toEqual({ ...other, lastUsedAt: isoAt(7_000) });
    });

    it("ignores unknown key ids, and an empty batch", async () => {
      const key = await seedKey();
      await harness.adapter.recordKeyUse([
        { keyId: uniqueId("key"), usedAt: isoAt(1_000) },
        { keyId: key.keyId, usedAt: isoAt(2_000) },
      ]);
      await harness.adapter.recordKeyUse([]);
      expect(await harness.adapter.findApiKey(key.keyHash)).toEqual({ ...key, lastUsedAt: isoAt(2_000) });
      expect(await harness.adapter.listApiKeys("tenant-a", { limit: 10 })).toHaveLength(1);
    });

    it("records use of revoked and rotated keys too (they may still be presented)", async () => {
      const key = await seedKey({ revokedAt: isoAt(1) });
      await harness.adapter.recordKeyUse([{ keyId: key.keyId, usedAt: isoAt(2_000) }]);
      expect((await harness.adapter.findApiKey(key.keyHash))?.lastUsedAt).toBe(isoAt(2_000));
    });
  });

  describe("API keys: key-state version", () => {
    it("is a string that stays the same while no key is created, rotated or revoked", async () => {
      const key = await seedKey();
      const version = await harness.adapter.keyStateVersion();
      expect(typeof version).toBe("string");
      expect(await harness.adapter.keyStateVersion()).toBe(version);

      // Reads, use, failure counts, runs, and operations that change no key.
      await harness.adapter.findApiKey(key.keyHash);
      await harness.adapter.getApiKey("tenant-a", key.keyId);
      await harness.adapter.listApiKeys("tenant-a", { limit: 10 });
      await harness.adapter.recordKeyUse([{ keyId: key.keyId, usedAt: isoAt(1_000) }]);
      await harness.adapter.recordAuthFailures([newAuthFailure()]);
      await harness.adapter.purgeAuthFailures(isoAt(DAY));
      await harness.adapter.keyStats(isoAt(0), isoAt(DAY));
      await seedRun(harness.adapter);
      expect(await harness.adapter.revokeApiKey("tenant-b", key.keyId, isoAt(1))).toBeNull();
      const revoked = await seedKey({ revokedAt: isoAt(1) });
      const afterRevokedSeed = await harness.adapter.keyStateVersion();
      expect(afterRevokedSeed).not.toBe(version);
      expect(await harness.adapter.rotateApiKey("tenant-a", revoked.keyId, newApiKey(), isoAt(DAY), isoAt(2))).toEqual({
        refused: "revoked",
      });
      expect(
        await harness.adapter.rotateApiKey("tenant-a", uniqueId("key"), newApiKey(), isoAt(DAY), isoAt(2)),
      ).toEqual({ refused: "missing" });
      expect(await harness.adapter.keyStateVersion()).toBe(afterRevokedSeed);
    });

    it("changes with every creation, rotation and revocation", async () => {
      const versions = [await harness.adapter.keyStateVersion()];
      const note = async (): Promise<void> => {
        const version = await harness.adapter.keyStateVersion();
        expect(version, `version after change ${versions.length}`).not.toBe(versions[versions.length - 1]);
        versions.push(version);
      };
      const key = await seedKey();
      await note();
      const successor = newApiKey({ replaces: key.keyId });
      await harness.adapter.rotateApiKey("tenant-a", key.keyId, successor, isoAt(DAY), isoAt(MINUTE));
      await note();
      await harness.adapter.revokeApiKey("tenant-a", successor.keyId, isoAt(2 * MINUTE));
      await note();
      await harness.adapter.revokeApiKey("tenant-a", key.keyId, isoAt(3 * MINUTE));
      await note();
      expect(new Set(versions).size).toBe(versions.length);
    });

    it("changes with a sync of configured keys that changed something, and only then", async () => {
      let version = await harness.adapter.keyStateVersion();
      const configured = newApiKey({ origin: "environment" });
      await harness.adapter.syncConfiguredKeys("environment", [configured], isoAt(MINUTE));
      expect(await harness.adapter.keyStateVersion()).not.toBe(version);

      version = await harness.adapter.keyStateVersion();
      await harness.adapter.syncConfiguredKeys("environment", [configured], isoAt(2 * MINUTE));
      await harness.adapter.syncConfiguredKeys("bootstrap", [], isoAt(2 * MINUTE));
      expect(await harness.adapter.keyStateVersion()).toBe(version);

      await harness.adapter.syncConfiguredKeys("environment", [], isoAt(3 * MINUTE));
      expect(await harness.adapter.keyStateVersion()).not.toBe(version);
    });
  });

  describe("API keys: statistics", () => {
    it("per tenant: active keys expiring before the instant, and the last rotation and revocation", async () => {
      const now = isoAt(DAY);
      const soon = isoAt(8 * DAY);
      await seedKey({ expiresAt: isoAt(2 * DAY) }); // expiring soon
      await seedKey({ expiresAt: isoAt(8 * DAY - 1) }); // expiring soon, just
      await seedKey({ expiresAt: soon }); // not before the instant
      await seedKey({ expiresAt: isoAt(30 * DAY) }); // later
      await seedKey({ expiresAt: isoAt(DAY - 1) }); // already expired
      await seedKey({ expiresAt: now }); // expired at this very instant
      await seedKey({ expiresAt: isoAt(2 * DAY), revokedAt: isoAt(DAY - 5) }); // revoked
      await seedKey({ expiresAt: null, revokedAt: isoAt(DAY - 10) }); // revoked, never expiring
      await seedKey(); // never expires
      const rotating = await seedKey();
      await harness.adapter.rotateApiKey(
        "tenant-a",
        rotating.keyId,
        newApiKey({ replaces: rotating.keyId }),
        isoAt(DAY + 60 * MINUTE),
        isoAt(DAY - 3),
      ); // in its grace period, which ends soon: counted
      await seedKey({ rotatedAt: isoAt(DAY - 20), replacedBy: uniqueId("key"), expiresAt: isoAt(DAY - 19) });

      await seedKey({ tenantId: "tenant-b" });
      await seedKey({ tenantId: "tenant-c", revokedAt: isoAt(7), expiresAt: isoAt(3 * DAY) });

      const stats = await harness.adapter.keyStats(now, soon);
      expect([...stats].sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1))).toEqual([
        { tenantId: "tenant-a", expiringSoon: 3, lastRotatedAt: isoAt(DAY - 3), lastRevokedAt: isoAt(DAY - 5) },
        { tenantId: "tenant-b", expiringSoon: 0, lastRotatedAt: null, lastRevokedAt: null },
        { tenantId: "tenant-c", expiringSoon: 0, lastRotatedAt: null, lastRevokedAt: isoAt(7) },
      ]);
    });

    it("is empty without keys", async () => {
      expect(await harness.adapter.keyStats(isoAt(0), isoAt(DAY))).toEqual([]);
    });
  });
}
