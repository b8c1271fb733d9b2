import { describe, expect, it } from "vitest";
import { isoAt, newApiKey, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

export function describeApiKeys(harness: AdapterHarness): void {
  describe("API keys", () => {
    it("stores a key and finds it by its hash", async () => {
      const key = newApiKey({ scopes: ["runs:read", "runs:write", "admin:*"], test: true, label: "ünïcode label 🚀" });
      await harness.adapter.putApiKey(key);
      expect(await harness.adapter.findApiKey(key.keyHash)).toEqual(key);
    });

    it("putApiKey replaces the record under the same hash (revocation)", async () => {
      const key = newApiKey();
      await harness.adapter.putApiKey(key);
      const revoked = { ...key, revokedAt: isoAt(1_000), scopes: [] };
      await harness.adapter.putApiKey(revoked);
      expect(await harness.adapter.findApiKey(key.keyHash)).toEqual(revoked);
    });

    it("findApiKey resolves null for an unknown hash", async () => {
      await harness.adapter.putApiKey(newApiKey());
      expect(await harness.adapter.findApiKey(uniqueId("sha256"))).toBeNull();
    });
  });
}
