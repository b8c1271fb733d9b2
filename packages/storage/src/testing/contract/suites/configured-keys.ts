import { describe, expect, it } from "vitest";
import type { ConfiguredKeysSync } from "../../../adapter.js";
import type { ApiKeyRecord } from "../../../records.js";
import { expectRejection } from "../expect-rejection.js";
import { isoAt, newApiKey } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

const AT = isoAt(3_600_000);

const byKeyId = (a: ApiKeyRecord, b: ApiKeyRecord): number => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0);

/** The outcome with each list in key-id order: the SPI does not order them. */
function sorted(sync: ConfiguredKeysSync): ConfiguredKeysSync {
  return {
    kept: [...sync.kept].sort(byKeyId),
    created: [...sync.created].sort(byKeyId),
    revoked: [...sync.revoked].sort(byKeyId),
  };
}

export function describeConfiguredKeys(harness: AdapterHarness): void {
  const seedKey = async (overrides: Partial<ApiKeyRecord> = {}): Promise<ApiKeyRecord> => {
    const key = newApiKey(overrides);
    await harness.adapter.createApiKey(key);
    return key;
  };

  describe("API keys: configured keys", () => {
    it("stores the configured keys that are missing", async () => {
      const first = newApiKey({ keyId: "key-1", origin: "environment", label: "from OPENWOP_EXTRA_API_KEYS" });
      const second = newApiKey({ keyId: "key-2", origin: "environment", tenantId: "tenant-b", kind: "test" });
      const outcome = await harness.adapter.syncConfiguredKeys("environment", [first, second], AT);
      expect(sorted(outcome)).toEqual({ kept: [], created: [first, second], revoked: [] });
      expect(await harness.adapter.findApiKey(first.keyHash)).toEqual(first);
      expect(await harness.adapter.findApiKey(second.keyHash)).toEqual(second);
    });

    it("keeps a configured key already stored under its hash as it is, except that it takes the origin", async () => {
      const stored = await seedKey({
        origin: "api",
        label: "stored",
        scopes: ["runs:read"],
        lastUsedAt: isoAt(10),
        expiresAt: isoAt(7_200_000),
      });
      const configured = newApiKey({ keyHash: stored.keyHash, origin: "environment", label: "configured", scopes: [] });
      const kept = { ...stored, origin: "environment" as const };
      expect(await harness.adapter.syncConfiguredKeys("environment", [configured], AT)).toEqual({
        kept: [kept],
        created: [],
        revoked: [],
      });
      expect(await harness.adapter.findApiKey(stored.keyHash)).toEqual(kept);
      expect(await harness.adapter.getApiKey(configured.tenantId, configured.keyId)).toBeNull();
    });

    it("a revoked configured key stays revoked", async () => {
      const revoked = await seedKey({ origin: "bootstrap", revokedAt: isoAt(5) });
      const configured = newApiKey({ keyHash: revoked.keyHash, origin: "bootstrap" });
      expect(await harness.adapter.syncConfiguredKeys("bootstrap", [configured], AT)).toEqual({
        kept: [revoked],
        created: [],
        revoked: [],
      });
      expect(await harness.adapter.findApiKey(revoked.keyHash)).toEqual(revoked);
    });

    it("revokes every other unrevoked key of the origin, in every tenant, and leaves other origins alone", async () => {
      const configured = await seedKey({ keyId: "key-1", origin: "environment" });
      const dropped = await seedKey({ keyId: "key-2", origin: "environment", tenantId: "tenant-b" });
      const droppedExpired = await seedKey({ keyId: "key-3", origin: "environment", expiresAt: isoAt(1) });
      const revokedBefore = await seedKey({ keyId: "key-4", origin: "environment", revokedAt: isoAt(2) });
      const bootstrap = await seedKey({ keyId: "key-5", origin: "bootstrap" });
      const issued = await seedKey({ keyId: "key-6", origin: "api" });

      const outcome = await harness.adapter.syncConfiguredKeys("environment", [{ ...configured }], AT);
      expect(sorted(outcome)).toEqual({
        kept: [configured],
        created: [],
        revoked: [
          { ...dropped, revokedAt: AT },
          { ...droppedExpired, revokedAt: AT },
        ],
      });
      expect(await harness.adapter.findApiKey(dropped.keyHash)).toEqual({ ...dropped, revokedAt: AT });
      expect(await harness.adapter.findApiKey(droppedExpired.keyHash)).toEqual({ ...droppedExpired, revokedAt: AT });
      for (const untouched of [configured, revokedBefore, bootstrap, issued]) {
        expect(await harness.adapter.findApiKey(untouched.keyHash)).toEqual(untouched);
      }
    });

    it("an empty configuration revokes every unrevoked key of the origin", async () => {
      const first = await seedKey({ origin: "environment" });
      const second = await seedKey({ origin: "environment", tenantId: "tenant-b" });
      const outcome = await harness.adapter.syncConfiguredKeys("environment", [], AT);
      expect(sorted(outcome)).toEqual(
        sorted({ kept: [], created: [], revoked: [first, second].map((key) => ({ ...key, revokedAt: AT })) }),
      );
    });

    it("at most one bootstrap key is valid: configuring another revokes the one before", async () => {
      const generated = newApiKey({ origin: "bootstrap", label: "generated at start-up" });
      await harness.adapter.syncConfiguredKeys("bootstrap", [generated], isoAt(1_000));
      const next = newApiKey({ origin: "bootstrap", label: "generated at the next start-up" });
      expect(await harness.adapter.syncConfiguredKeys("bootstrap", [next], AT)).toEqual({
        kept: [],
        created: [next],
        revoked: [{ ...generated, revokedAt: AT }],
      });
      expect((await harness.adapter.findApiKey(next.keyHash))?.revokedAt).toBeNull();
    });

    it("a second identical sync changes nothing", async () => {
      const stale = await seedKey({ origin: "environment" });
      const stored = await seedKey({ origin: "api" });
      const configured = [newApiKey({ origin: "environment" }), newApiKey({ keyHash: stored.keyHash })];
      const first = await harness.adapter.syncConfiguredKeys("environment", configured, AT);
      const afterFirst = await Promise.all(
        [stale, stored, ...configured].map((key) => harness.adapter.findApiKey(key.keyHash)),
      );
      const version = await harness.adapter.keyStateVersion();

      const second = await harness.adapter.syncConfiguredKeys("environment", configured, isoAt(7_200_000));
      expect(sorted(second)).toEqual(sorted({ kept: [...first.kept, ...first.created], created: [], revoked: [] }));
      expect(
        await Promise.all([stale, stored, ...configured].map((key) => harness.adapter.findApiKey(key.keyHash))),
      ).toEqual(afterFirst);
      expect(await harness.adapter.keyStateVersion()).toBe(version);
    });

    it("is one transaction: a configured key whose id is taken fails the whole sync, changing nothing", async () => {
      const stale = await seedKey({ origin: "environment" });
      const holder = await seedKey({ origin: "api" });
      const fresh = newApiKey({ origin: "environment" });
      const clashing = newApiKey({ origin: "environment", keyId: holder.keyId });
      await expectRejection(harness.adapter.syncConfiguredKeys("environment", [fresh, clashing], AT), {
        name: "StorageConflictError",
        reason: "key-exists",
      });
      expect(await harness.adapter.findApiKey(fresh.keyHash)).toBeNull();
      expect(await harness.adapter.findApiKey(clashing.keyHash)).toBeNull();
      expect(await harness.adapter.findApiKey(stale.keyHash)).toEqual(stale);
      expect(await harness.adapter.findApiKey(holder.keyHash)).toEqual(holder);
    });
  });
}
