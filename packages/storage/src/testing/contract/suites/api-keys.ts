import { describe, expect, it } from "vitest";
import type { ApiKeyRecord } from "../../../records.js";
import { expectRejection } from "../expect-rejection.js";
import { isoAt, newApiKey, range, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

/** Newest first, as `listApiKeys` orders: `createdAt`, then `keyId`, both descending, by code unit. */
const newestFirst = (a: ApiKeyRecord, b: ApiKeyRecord): number =>
  a.createdAt === b.createdAt ? (a.keyId < b.keyId ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

export function describeApiKeys(harness: AdapterHarness): void {
  describe("API keys: create, find, get and list", () => {
    it("stores a key and finds it by its hash, every field exactly as given", async () => {
      const key = newApiKey({
        scopes: ["runs:read", "runs:write", "admin:*"],
        kind: "test",
        label: "ünïcode label 🚀",
      });
      await harness.adapter.createApiKey(key);
      expect(await harness.adapter.findApiKey(key.keyHash)).toEqual(key);

      // Every optional field set, so none of them can be dropped on the way in or out.
      const full = newApiKey({
        prefix: "hk_test_Zz9-_a",
        origin: "environment",
        label: "",
        scopes: [],
        createdAt: isoAt(1),
        expiresAt: isoAt(86_400_000),
        lastUsedAt: isoAt(2),
        rotatedAt: isoAt(3),
        revokedAt: isoAt(4),
        replacedBy: uniqueId("key"),
        replaces: uniqueId("key"),
      });
      await harness.adapter.createApiKey(full);
      expect(await harness.adapter.findApiKey(full.keyHash)).toEqual(full);
      expect(await harness.adapter.getApiKey(full.tenantId, full.keyId)).toEqual(full);
    });

    it("findApiKey resolves null for an unknown hash", async () => {
      await harness.adapter.createApiKey(newApiKey());
      expect(await harness.adapter.findApiKey(uniqueId("sha256"))).toBeNull();
    });

    it("findApiKey finds the keys of every tenant (authentication does not know the tenant yet)", async () => {
      const ofA = newApiKey({ tenantId: "tenant-a" });
      const ofB = newApiKey({ tenantId: "tenant-b", origin: "bootstrap" });
      await harness.adapter.createApiKey(ofA);
      await harness.adapter.createApiKey(ofB);
      expect(await harness.adapter.findApiKey(ofA.keyHash)).toEqual(ofA);
      expect(await harness.adapter.findApiKey(ofB.keyHash)).toEqual(ofB);
    });

    it("a second key with a taken id is rejected with StorageConflictError(key-exists) and not stored", async () => {
      const first = newApiKey();
      await harness.adapter.createApiKey(first);
      const sameId = newApiKey({ keyId: first.keyId, tenantId: "tenant-b", label: "intruder" });
      await expectRejection(harness.adapter.createApiKey(sameId), {
        name: "StorageConflictError",
        reason: "key-exists",
      });
      expect(await harness.adapter.findApiKey(sameId.keyHash)).toBeNull();
      expect(await harness.adapter.getApiKey("tenant-b", first.keyId)).toBeNull();
      expect(await harness.adapter.getApiKey(first.tenantId, first.keyId)).toEqual(first);
    });

    it("a second key with a taken hash is rejected with StorageConflictError(key-exists) and not stored", async () => {
      const first = newApiKey();
      await harness.adapter.createApiKey(first);
      const sameHash = newApiKey({ keyHash: first.keyHash, tenantId: "tenant-b", label: "intruder" });
      await expectRejection(harness.adapter.createApiKey(sameHash), {
        name: "StorageConflictError",
        reason: "key-exists",
      });
      expect(await harness.adapter.getApiKey("tenant-b", sameHash.keyId)).toBeNull();
      expect(await harness.adapter.findApiKey(first.keyHash)).toEqual(first);
    });

    it("of concurrent creations under one hash, exactly one is stored", async () => {
      const keyHash = uniqueId("sha256");
      const contenders = range(0, 8).map((index) => newApiKey({ keyHash, label: `contender ${index}` }));
      const outcomes = await Promise.allSettled(contenders.map((key) => harness.adapter.createApiKey(key)));
      const winners = contenders.filter((_, index) => outcomes[index]?.status === "fulfilled");
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          expect(outcome.reason).toMatchObject({ name: "StorageConflictError", reason: "key-exists" });
        }
      }
      expect(await harness.adapter.findApiKey(keyHash)).toEqual(winners[0]);
    });

    it("getApiKey finds a key by id within its tenant only", async () => {
      const key = newApiKey({ tenantId: "tenant-a" });
      await harness.adapter.createApiKey(key);
      expect(await harness.adapter.getApiKey("tenant-a", key.keyId)).toEqual(key);
      expect(await harness.adapter.getApiKey("tenant-b", key.keyId)).toBeNull();
      expect(await harness.adapter.getApiKey("tenant-a", uniqueId("key"))).toBeNull();
    });

    it("listApiKeys lists the tenant's keys, newest first by createdAt then keyId, revoked and expired ones included", async () => {
      const keys = [
        newApiKey({ keyId: "key-a", createdAt: isoAt(1_000) }),
        newApiKey({ keyId: "key-b", createdAt: isoAt(3_000), revokedAt: isoAt(4_000) }),
        // Three created at the same instant: keyId decides, descending.
        newApiKey({ keyId: "key-c", createdAt: isoAt(2_000) }),
        newApiKey({ keyId: "key-e", createdAt: isoAt(2_000), expiresAt: isoAt(2_500) }),
        newApiKey({ keyId: "key-d", createdAt: isoAt(2_000), origin: "bootstrap" }),
      ];
      for (const key of keys) await harness.adapter.createApiKey(key);
      await harness.adapter.createApiKey(newApiKey({ keyId: "key-z", tenantId: "tenant-b", createdAt: isoAt(5_000) }));

      const listed = await harness.adapter.listApiKeys("tenant-a", { limit: 100 });
      expect(listed.map((key) => key.keyId)).toEqual(["key-b", "key-e", "key-d", "key-c", "key-a"]);
      expect(listed).toEqual([...keys].sort(newestFirst));
      expect((await harness.adapter.listApiKeys("tenant-b", { limit: 100 })).map((key) => key.keyId)).toEqual([
        "key-z",
      ]);
      expect(await harness.adapter.listApiKeys("tenant-c", { limit: 100 })).toEqual([]);
    });

    it("listApiKeys pages by limit and continues strictly after the cursor", async () => {
      const keys = range(0, 7).map((index) =>
        // Pairs share an instant, so pages break between keys of one instant too.
        newApiKey({ keyId: `key-${index}`, createdAt: isoAt(Math.floor(index / 2) * 1_000) }),
      );
      for (const key of keys) await harness.adapter.createApiKey(key);
      await harness.adapter.createApiKey(newApiKey({ tenantId: "tenant-b", createdAt: isoAt(1_000) }));
      const expected = [...keys].sort(newestFirst);

      const pages: ApiKeyRecord[][] = [];
      let page = await harness.adapter.listApiKeys("tenant-a", { limit: 3 });
      while (page.length > 0) {
        pages.push(page);
        const last = page[page.length - 1] as ApiKeyRecord;
        page = await harness.adapter.listApiKeys("tenant-a", {
          limit: 3,
          after: { createdAt: last.createdAt, keyId: last.keyId },
        });
      }
      expect(pages.map((each) => each.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(expected);

      const [first] = expected;
      expect(await harness.adapter.listApiKeys("tenant-a", { limit: 1 })).toEqual([first]);
      // A cursor names a position, not a stored key: one between two keys works as well.
      const between = await harness.adapter.listApiKeys("tenant-a", {
        limit: 100,
        after: { createdAt: isoAt(2_000), keyId: "key-4a" },
      });
      expect(between.map((key) => key.keyId)).toEqual(["key-4", "key-3", "key-2", "key-1", "key-0"]);
    });
  });
}
