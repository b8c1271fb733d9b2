import { describe, expect, it } from "vitest";
import type { AuthFailureCount } from "../../../records.js";
import { isoAt, newAuthFailure } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

const MINUTE = 60_000;

/** A stable order for comparing lists the SPI does not order. */
const byGroup = (a: AuthFailureCount, b: AuthFailureCount): number => {
  const key = (entry: AuthFailureCount): string =>
    JSON.stringify([entry.tenantId, entry.reason, entry.keyPrefix ?? "", entry.keyPrefix === null, entry.route]);
  const [left, right] = [key(a), key(b)];
  return left < right ? -1 : left > right ? 1 : 0;
};

export function describeAuthFailures(harness: AdapterHarness): void {
  const listed = async (tenantId: string, since = isoAt(0)): Promise<AuthFailureCount[]> =>
    [...(await harness.adapter.listAuthFailures(tenantId, since))].sort(byGroup);

  describe("authentication failures", () => {
    it("stores new groups as given and lists them for their tenant", async () => {
      const failures = [
        newAuthFailure({ count: 3, firstSeen: isoAt(1_000), lastSeen: isoAt(2_000) }),
        newAuthFailure({ reason: "expired", keyPrefix: "hk_test_aBc123", route: "POST /v1/runs", count: 1 }),
      ];
      await harness.adapter.recordAuthFailures(failures);
      expect(await listed("tenant-a")).toEqual([...failures].sort(byGroup));
    });

    it("adds counts to an existing group, keeping the earliest firstSeen and the latest lastSeen", async () => {
      await harness.adapter.recordAuthFailures([
        newAuthFailure({ count: 2, firstSeen: isoAt(10 * MINUTE), lastSeen: isoAt(20 * MINUTE) }),
      ]);
      await harness.adapter.recordAuthFailures([
        newAuthFailure({ count: 3, firstSeen: isoAt(5 * MINUTE), lastSeen: isoAt(15 * MINUTE) }),
      ]);
      expect(await listed("tenant-a")).toEqual([
        newAuthFailure({ count: 5, firstSeen: isoAt(5 * MINUTE), lastSeen: isoAt(20 * MINUTE) }),
      ]);
      await harness.adapter.recordAuthFailures([
        newAuthFailure({ count: 1, firstSeen: isoAt(30 * MINUTE), lastSeen: isoAt(40 * MINUTE) }),
      ]);
      expect(await listed("tenant-a")).toEqual([
        newAuthFailure({ count: 6, firstSeen: isoAt(5 * MINUTE), lastSeen: isoAt(40 * MINUTE) }),
      ]);
    });

    it("groups by tenant, reason, key prefix (a missing prefix is a group of its own) and route", async () => {
      const groups = [
        newAuthFailure(),
        newAuthFailure({ tenantId: "tenant-b" }),
        newAuthFailure({ reason: "revoked" }),
        newAuthFailure({ keyPrefix: "hk_live_other1" }),
        newAuthFailure({ keyPrefix: null }),
        newAuthFailure({ route: "POST /v1/runs/{runId}/cancel" }),
      ];
      await harness.adapter.recordAuthFailures(groups);
      await harness.adapter.recordAuthFailures(groups);
      const doubled = (entry: AuthFailureCount): AuthFailureCount => ({ ...entry, count: 2 });
      expect(await listed("tenant-a")).toEqual(
        groups
          .filter((entry) => entry.tenantId === "tenant-a")
          .map(doubled)
          .sort(byGroup),
      );
      expect(await listed("tenant-b")).toEqual([doubled(newAuthFailure({ tenantId: "tenant-b" }))]);
      expect((await listed("tenant-a")).filter((entry) => entry.keyPrefix === null)).toEqual([
        doubled(newAuthFailure({ keyPrefix: null })),
      ]);
    });

    it("merges entries of one group within a batch", async () => {
      await harness.adapter.recordAuthFailures([
        newAuthFailure({ count: 2, firstSeen: isoAt(3_000), lastSeen: isoAt(4_000) }),
        newAuthFailure({ count: 5, firstSeen: isoAt(1_000), lastSeen: isoAt(2_000) }),
        newAuthFailure({ keyPrefix: null, count: 1 }),
        newAuthFailure({ keyPrefix: null, count: 1, lastSeen: isoAt(9_000) }),
      ]);
      await harness.adapter.recordAuthFailures([]);
      expect(await listed("tenant-a")).toEqual(
        [
          newAuthFailure({ count: 7, firstSeen: isoAt(1_000), lastSeen: isoAt(4_000) }),
          newAuthFailure({ keyPrefix: null, count: 2, lastSeen: isoAt(9_000) }),
        ].sort(byGroup),
      );
    });

    it("lists a tenant's groups last seen at or after `since`", async () => {
      const early = newAuthFailure({ route: "GET /early", lastSeen: isoAt(MINUTE - 1) });
      const atSince = newAuthFailure({ route: "GET /at", firstSeen: isoAt(1), lastSeen: isoAt(MINUTE) });
      const late = newAuthFailure({ route: "GET /late", lastSeen: isoAt(2 * MINUTE) });
      const otherTenant = newAuthFailure({ tenantId: "tenant-b", lastSeen: isoAt(2 * MINUTE) });
      await harness.adapter.recordAuthFailures([early, atSince, late, otherTenant]);
      expect(await listed("tenant-a", isoAt(MINUTE))).toEqual([atSince, late].sort(byGroup));
      expect(await listed("tenant-a", isoAt(3 * MINUTE))).toEqual([]);
      expect(await listed("tenant-c")).toEqual([]);
    });

    it("purges groups last seen before the instant and resolves to how many went", async () => {
      const old = newAuthFailure({ route: "GET /old", lastSeen: isoAt(MINUTE - 1) });
      const oldOfB = newAuthFailure({ tenantId: "tenant-b", route: "GET /old", lastSeen: isoAt(1) });
      const atCutoff = newAuthFailure({ route: "GET /at", lastSeen: isoAt(MINUTE) });
      const recent = newAuthFailure({ route: "GET /recent", lastSeen: isoAt(2 * MINUTE) });
      await harness.adapter.recordAuthFailures([old, oldOfB, atCutoff, recent]);
      expect(await harness.adapter.purgeAuthFailures(isoAt(MINUTE))).toBe(2);
      expect(await listed("tenant-a")).toEqual([atCutoff, recent].sort(byGroup));
      expect(await listed("tenant-b")).toEqual([]);
      expect(await harness.adapter.purgeAuthFailures(isoAt(MINUTE))).toBe(0);

      // A purged group starts counting afresh.
      await harness.adapter.recordAuthFailures([{ ...old, count: 4, lastSeen: isoAt(3 * MINUTE) }]);
      expect((await listed("tenant-a")).find((entry) => entry.route === "GET /old")).toEqual({
        ...old,
        count: 4,
        lastSeen: isoAt(3 * MINUTE),
      });
    });
  });
}
