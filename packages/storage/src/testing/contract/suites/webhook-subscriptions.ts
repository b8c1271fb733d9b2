import { describe, expect, it } from "vitest";
import type { WebhookSubscriptionRecord } from "../../../records.js";
import { expectRejection } from "../expect-rejection.js";
import { isoAt, newSubscription, numberedEvents, range, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import {
  attemptOutcome,
  CLAIM_AT,
  deliveriesOf,
  HOUR,
  LEASE_MS,
  seedDeliveries,
  seedSubscription,
} from "../webhook-seeds.js";

/** Newest first, as `listSubscriptions` orders: `createdAt`, then `webhookId`, both descending, by code unit. */
const newestFirst = (a: WebhookSubscriptionRecord, b: WebhookSubscriptionRecord): number =>
  a.createdAt === b.createdAt ? (a.webhookId < b.webhookId ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

export function describeWebhookSubscriptions(harness: AdapterHarness): void {
  describe("webhook subscriptions: create, get, list, status and delete", () => {
    it("stores a subscription and reads it back within its tenant, every field exactly as given", async () => {
      const plain = await seedSubscription(harness.adapter);
      expect(await harness.adapter.getSubscription("tenant-a", plain.webhookId)).toEqual(plain);

      // Every field away from its default, so none of them can be dropped on the way in or out.
      const full = newSubscription({
        url: "https://hooks.example/ünïcode/path?q=1&r=🚀",
        events: ["run.completed", "run.failed", "node.progress"],
        tags: ["blue", "green"],
        signature: "standard-webhooks",
        sealedSecret: "sealed:v1:ZnVsbA",
        secretFingerprint: "ffee0011",
        status: "paused",
        consecutiveFailures: 3,
        circuitOpenUntil: isoAt(2 * HOUR),
        windowFailures: 7,
        failureWindowStartedAt: isoAt(-HOUR),
        createdAt: isoAt(5),
        updatedAt: isoAt(6),
      });
      await harness.adapter.createSubscription(full);
      expect(await harness.adapter.getSubscription("tenant-a", full.webhookId)).toEqual(full);
      const failed = await seedSubscription(harness.adapter, { status: "failed", tenantId: "tenant-b" });
      expect(await harness.adapter.getSubscription("tenant-b", failed.webhookId)).toEqual(failed);
    });

    it("getSubscription resolves null for another tenant's subscription and for an unknown id", async () => {
      const subscription = await seedSubscription(harness.adapter, { tenantId: "tenant-a" });
      expect(await harness.adapter.getSubscription("tenant-b", subscription.webhookId)).toBeNull();
      expect(await harness.adapter.getSubscription("tenant-a", uniqueId("wh"))).toBeNull();
    });

    it("a second subscription with a taken id is rejected with StorageConflictError(webhook-exists), in any tenant", async () => {
      const first = await seedSubscription(harness.adapter);
      const sameId = newSubscription({
        webhookId: first.webhookId,
        tenantId: "tenant-b",
        url: "https://intruder.example",
      });
      await expectRejection(harness.adapter.createSubscription(sameId), {
        name: "StorageConflictError",
        reason: "webhook-exists",
      });
      expect(await harness.adapter.getSubscription("tenant-b", first.webhookId)).toBeNull();
      expect(await harness.adapter.getSubscription("tenant-a", first.webhookId)).toEqual(first);
    });

    it("of concurrent creations under one id, exactly one is stored", async () => {
      const webhookId = uniqueId("wh");
      const contenders = range(0, 8).map((index) => newSubscription({ webhookId, url: `https://r${index}.example` }));
      const outcomes = await Promise.allSettled(
        contenders.map((subscription) => harness.adapter.createSubscription(subscription)),
      );
      const winners = contenders.filter((_, index) => outcomes[index]?.status === "fulfilled");
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          expect(outcome.reason).toMatchObject({ name: "StorageConflictError", reason: "webhook-exists" });
        }
      }
      expect(await harness.adapter.getSubscription("tenant-a", webhookId)).toEqual(winners[0]);
    });

    it("listSubscriptions lists the tenant's subscriptions, newest first by createdAt then webhookId, in every status", async () => {
      const subscriptions = [
        newSubscription({ webhookId: "wh-a", createdAt: isoAt(1_000) }),
        newSubscription({ webhookId: "wh-b", createdAt: isoAt(3_000), status: "failed" }),
        // Three created at the same instant: webhookId decides, descending.
        newSubscription({ webhookId: "wh-c", createdAt: isoAt(2_000) }),
        newSubscription({ webhookId: "wh-e", createdAt: isoAt(2_000), status: "paused" }),
        newSubscription({ webhookId: "wh-d", createdAt: isoAt(2_000) }),
      ];
      for (const subscription of subscriptions) await harness.adapter.createSubscription(subscription);
      await seedSubscription(harness.adapter, { webhookId: "wh-z", tenantId: "tenant-b", createdAt: isoAt(5_000) });

      const listed = await harness.adapter.listSubscriptions("tenant-a", { limit: 100 });
      expect(listed.map((subscription) => subscription.webhookId)).toEqual(["wh-b", "wh-e", "wh-d", "wh-c", "wh-a"]);
      expect(listed).toEqual([...subscriptions].sort(newestFirst));
      expect(
        (await harness.adapter.listSubscriptions("tenant-b", { limit: 100 })).map(
          (subscription) => subscription.webhookId,
        ),
      ).toEqual(["wh-z"]);
      expect(await harness.adapter.listSubscriptions("tenant-c", { limit: 100 })).toEqual([]);
    });

    it("listSubscriptions pages by limit and continues strictly after the cursor", async () => {
      const subscriptions = range(0, 7).map((index) =>
        // Pairs share an instant, so pages break between subscriptions of one instant too.
        newSubscription({ webhookId: `wh-${index}`, createdAt: isoAt(Math.floor(index / 2) * 1_000) }),
      );
      for (const subscription of subscriptions) await harness.adapter.createSubscription(subscription);
      await seedSubscription(harness.adapter, { tenantId: "tenant-b", createdAt: isoAt(1_000) });
      const expected = [...subscriptions].sort(newestFirst);

      const pages: WebhookSubscriptionRecord[][] = [];
      let page = await harness.adapter.listSubscriptions("tenant-a", { limit: 3 });
      while (page.length > 0) {
        pages.push(page);
        const last = page[page.length - 1] as WebhookSubscriptionRecord;
        page = await harness.adapter.listSubscriptions("tenant-a", {
          limit: 3,
          after: { createdAt: last.createdAt, id: last.webhookId },
        });
      }
      expect(pages.map((each) => each.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(expected);
      // A cursor names a position, not a stored subscription: one between two works as well.
      const between = await harness.adapter.listSubscriptions("tenant-a", {
        limit: 100,
        after: { createdAt: isoAt(2_000), id: "wh-4a" },
      });
      expect(between.map((subscription) => subscription.webhookId)).toEqual(["wh-4", "wh-3", "wh-2", "wh-1", "wh-0"]);
      expect(await harness.adapter.listSubscriptions("tenant-a", { limit: 0 })).toEqual([]);
    });

    it("setSubscriptionStatus pauses (circuit kept) and resumes (circuit closed, window kept), stamping updatedAt", async () => {
      const subscription = await seedSubscription(harness.adapter, {
        consecutiveFailures: 2,
        circuitOpenUntil: isoAt(HOUR),
        windowFailures: 2,
      });
      const paused = await harness.adapter.setSubscriptionStatus(
        "tenant-a",
        subscription.webhookId,
        "paused",
        isoAt(10),
      );
      expect(paused).toEqual({ ...subscription, status: "paused", updatedAt: isoAt(10) });
      expect(await harness.adapter.getSubscription("tenant-a", subscription.webhookId)).toEqual(paused);

      const resumed = await harness.adapter.setSubscriptionStatus(
        "tenant-a",
        subscription.webhookId,
        "active",
        isoAt(20),
      );
      expect(resumed).toEqual({
        ...subscription,
        status: "active",
        consecutiveFailures: 0,
        circuitOpenUntil: null,
        updatedAt: isoAt(20),
      });
      expect(await harness.adapter.getSubscription("tenant-a", subscription.webhookId)).toEqual(resumed);
    });

    it("a failed subscription stays failed, unchanged, whatever status is set", async () => {
      const failed = await seedSubscription(harness.adapter, { status: "failed", windowFailures: 100 });
      expect(await harness.adapter.setSubscriptionStatus("tenant-a", failed.webhookId, "active", isoAt(10))).toEqual(
        failed,
      );
      expect(await harness.adapter.setSubscriptionStatus("tenant-a", failed.webhookId, "paused", isoAt(10))).toEqual(
        failed,
      );
      expect(await harness.adapter.getSubscription("tenant-a", failed.webhookId)).toEqual(failed);
    });

    it("setSubscriptionStatus resolves null for another tenant's subscription or an unknown one, changing nothing", async () => {
      const subscription = await seedSubscription(harness.adapter, { tenantId: "tenant-a" });
      expect(
        await harness.adapter.setSubscriptionStatus("tenant-b", subscription.webhookId, "paused", isoAt(10)),
      ).toBeNull();
      expect(await harness.adapter.setSubscriptionStatus("tenant-a", uniqueId("wh"), "paused", isoAt(10))).toBeNull();
      expect(await harness.adapter.getSubscription("tenant-a", subscription.webhookId)).toEqual(subscription);
    });

    it("deleteSubscription removes the subscription with its deliveries and their attempts, and nothing of others", async () => {
      const doomed = await seedSubscription(harness.adapter);
      const kept = await seedSubscription(harness.adapter);
      const { runId, deliveries } = await seedDeliveries(harness.adapter, doomed, numberedEvents(3));
      expect(deliveries).toHaveLength(3);
      const [first] = deliveries;
      if (!first) throw new Error("no delivery was recorded");
      // One delivery with an attempt, so that the attempts have something to go with.
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 100);
      expect(await harness.adapter.recordAttempt(attemptOutcome(first.deliveryId, "holder-a"))).toBe(true);
      const keptBefore = await deliveriesOf(harness.adapter, kept);
      expect(keptBefore).toHaveLength(3);

      expect(await harness.adapter.deleteSubscription("tenant-a", doomed.webhookId)).toBe(true);
      expect(await harness.adapter.getSubscription("tenant-a", doomed.webhookId)).toBeNull();
      expect(await deliveriesOf(harness.adapter, doomed)).toEqual([]);
      expect(await harness.adapter.getDelivery("tenant-a", doomed.webhookId, first.deliveryId)).toBeNull();
      expect((await harness.adapter.deliveryStats(CLAIM_AT)).waiting).toBe(3);
      // The other subscription and the run's log are untouched.
      expect(await harness.adapter.getSubscription("tenant-a", kept.webhookId)).toEqual(kept);
      expect((await deliveriesOf(harness.adapter, kept)).map((delivery) => delivery.deliveryId).sort()).toEqual(
        keptBefore.map((delivery) => delivery.deliveryId).sort(),
      );
      expect(await harness.adapter.readEvents(runId)).toHaveLength(3);
      expect(await harness.adapter.deleteSubscription("tenant-a", doomed.webhookId)).toBe(false);
    });

    it("deleteSubscription answers false for another tenant's subscription or an unknown one, removing nothing", async () => {
      const subscription = await seedSubscription(harness.adapter, { tenantId: "tenant-a" });
      await seedDeliveries(harness.adapter, subscription, numberedEvents(2));
      expect(await harness.adapter.deleteSubscription("tenant-b", subscription.webhookId)).toBe(false);
      expect(await harness.adapter.deleteSubscription("tenant-a", uniqueId("wh"))).toBe(false);
      expect(await harness.adapter.getSubscription("tenant-a", subscription.webhookId)).toEqual(subscription);
      expect(await deliveriesOf(harness.adapter, subscription)).toHaveLength(2);
    });
  });
}
