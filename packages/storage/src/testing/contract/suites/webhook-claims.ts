import { describe, expect, it } from "vitest";
import { CallRecorder } from "../call-recorder.js";
import { isoAt, newEvent, numberedEvents, range, T0 } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import type { ContractSettings } from "../options.js";
import {
  attemptOutcome,
  CLAIM_AT,
  claimIds,
  deliveredOutcome,
  deliveriesOf,
  HOUR,
  LEASE_MS,
  seedDeliveries,
  seedSubscription,
} from "../webhook-seeds.js";

export function describeWebhookClaims(harness: AdapterHarness, settings: ContractSettings): void {
  describe("webhook deliveries: claims and leases", () => {
    it("leases due deliveries to the holder until now + leaseMs, and to nobody else while the lease lasts", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const { deliveries } = await seedDeliveries(harness.adapter, subscription, numberedEvents(3));
      const claimed = await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 10);
      expect(claimed.map((delivery) => delivery.deliveryId).sort()).toEqual(
        deliveries.map((delivery) => delivery.deliveryId).sort(),
      );
      for (const delivery of claimed) {
        const before = deliveries.find((each) => each.deliveryId === delivery.deliveryId);
        expect(delivery).toEqual({ ...before, lease: { holderId: "holder-a", expiresAt: CLAIM_AT + LEASE_MS } });
      }
      // The lease is stored, not only handed out.
      expect((await deliveriesOf(harness.adapter, subscription)).map((delivery) => delivery.lease)).toEqual(
        deliveries.map(() => ({ holderId: "holder-a", expiresAt: CLAIM_AT + LEASE_MS })),
      );
      expect(await harness.adapter.claimDueDeliveries("holder-b", CLAIM_AT + 1, LEASE_MS, 10)).toEqual([]);
      // Nor again to its own holder: a live lease is never taken, whoever asks.
      expect(await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT + LEASE_MS - 1, LEASE_MS, 10)).toEqual([]);
    });

    it("an expired lease is claimable from the instant it ends", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const { deliveries } = await seedDeliveries(harness.adapter, subscription, numberedEvents(1));
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 10);
      expect(await claimIds(harness.adapter, "holder-b", CLAIM_AT + LEASE_MS - 1)).toEqual([]);
      const taken = await harness.adapter.claimDueDeliveries("holder-b", CLAIM_AT + LEASE_MS, LEASE_MS, 10);
      expect(taken.map((delivery) => [delivery.deliveryId, delivery.lease])).toEqual([
        [deliveries[0]?.deliveryId, { holderId: "holder-b", expiresAt: CLAIM_AT + 2 * LEASE_MS }],
      ]);
    });

    it("only deliveries due at now are claimed: nextAttemptAt <= now", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const { deliveries } = await seedDeliveries(harness.adapter, subscription, [
        newEvent("node.progress", {}, { timestamp: isoAt(100) }),
        newEvent("node.progress", {}, { timestamp: isoAt(200) }),
      ]);
      const [early, late] = deliveries.map((delivery) => delivery.deliveryId);
      expect(await claimIds(harness.adapter, "holder-a", T0 + 99)).toEqual([]);
      expect(await claimIds(harness.adapter, "holder-a", T0 + 100)).toEqual([early]);
      expect(await claimIds(harness.adapter, "holder-a", T0 + 199)).toEqual([]);
      expect(await claimIds(harness.adapter, "holder-a", T0 + 200)).toEqual([late]);
    });

    it("hands out the earliest due first, at most `limit` at a time", async () => {
      const subscription = await seedSubscription(harness.adapter);
      // Due in an order unlike their creation order.
      const dueAt = [500, 100, 400, 200, 300];
      const { deliveries } = await seedDeliveries(
        harness.adapter,
        subscription,
        dueAt.map((offset) => newEvent("node.progress", { offset }, { timestamp: isoAt(offset) })),
      );
      const idAt = (offset: number): string | undefined => deliveries[dueAt.indexOf(offset)]?.deliveryId;
      const first = await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 2);
      expect(first.map((delivery) => delivery.deliveryId).sort()).toEqual([idAt(100), idAt(200)].sort());
      const second = await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 2);
      expect(second.map((delivery) => delivery.deliveryId).sort()).toEqual([idAt(300), idAt(400)].sort());
      expect(await claimIds(harness.adapter, "holder-a")).toEqual([idAt(500)]);
      expect(await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT + 10 * LEASE_MS, LEASE_MS, 0)).toEqual([]);
    });

    it("a retried delivery is claimable again at its nextAttemptAt; delivered and dead-lettered ones never", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const { deliveries } = await seedDeliveries(harness.adapter, subscription, numberedEvents(3));
      const [retried, delivered, dead] = deliveries.map((delivery) => delivery.deliveryId) as [string, string, string];
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 10);
      const retryAt = CLAIM_AT + HOUR;
      await harness.adapter.recordAttempt(
        attemptOutcome(retried, "holder-a", {
          result: { kind: "retry", nextAttemptAt: new Date(retryAt).toISOString() },
        }),
      );
      await harness.adapter.recordAttempt(deliveredOutcome(delivered, "holder-a"));
      await harness.adapter.recordAttempt(attemptOutcome(dead, "holder-a", { result: { kind: "dead_letter" } }));
      // Every lease ended with its attempt, so only the time decides.
      expect(await claimIds(harness.adapter, "holder-b", retryAt - 1)).toEqual([]);
      expect(await claimIds(harness.adapter, "holder-b", retryAt)).toEqual([retried]);
      // Much later, only the retried one comes again (holder-b's lease lapsed); the others never.
      expect(await claimIds(harness.adapter, "holder-c", retryAt + 100 * HOUR)).toEqual([retried]);
    });

    it("a paused subscription's deliveries wait until it is resumed; a failed one's are never handed out", async () => {
      const paused = await seedSubscription(harness.adapter, { status: "paused" });
      const failed = await seedSubscription(harness.adapter, { status: "failed" });
      const active = await seedSubscription(harness.adapter);
      await seedDeliveries(harness.adapter, paused, numberedEvents(1));
      const ofPaused = await deliveriesOf(harness.adapter, paused);
      const ofActive = await deliveriesOf(harness.adapter, active);
      expect(await deliveriesOf(harness.adapter, failed)).toHaveLength(1);
      expect(await claimIds(harness.adapter, "holder-a")).toEqual(ofActive.map((delivery) => delivery.deliveryId));

      await harness.adapter.setSubscriptionStatus("tenant-a", paused.webhookId, "active", isoAt(50));
      await harness.adapter.setSubscriptionStatus("tenant-a", failed.webhookId, "active", isoAt(50));
      expect(await claimIds(harness.adapter, "holder-a")).toEqual(ofPaused.map((delivery) => delivery.deliveryId));
    });

    it("a subscription's deliveries wait while its circuit is open at now, and are handed out from the instant it closes", async () => {
      const openUntil = CLAIM_AT + HOUR;
      const tripped = await seedSubscription(harness.adapter, {
        consecutiveFailures: 4,
        circuitOpenUntil: new Date(openUntil).toISOString(),
      });
      const healthy = await seedSubscription(harness.adapter);
      await seedDeliveries(harness.adapter, tripped, numberedEvents(1));
      const [ofTripped] = await deliveriesOf(harness.adapter, tripped);
      const [ofHealthy] = await deliveriesOf(harness.adapter, healthy);
      expect(await claimIds(harness.adapter, "holder-a", CLAIM_AT)).toEqual([ofHealthy?.deliveryId]);
      await harness.adapter.recordAttempt(deliveredOutcome(ofHealthy?.deliveryId ?? "", "holder-a"));
      expect(await claimIds(harness.adapter, "holder-a", openUntil - 1)).toEqual([]);
      expect(await claimIds(harness.adapter, "holder-a", openUntil)).toEqual([ofTripped?.deliveryId]);
    });

    it(`concurrent claimers never receive the same delivery: each is handed out exactly once`, async () => {
      const subscription = await seedSubscription(harness.adapter);
      const total = 24;
      for (const chunk of range(0, 4)) {
        await seedDeliveries(harness.adapter, subscription, numberedEvents(total / 4, { payload: { chunk } }));
      }
      const all = (await deliveriesOf(harness.adapter, subscription)).map((delivery) => delivery.deliveryId).sort();
      expect(all).toHaveLength(total);
      const claimers = Math.max(8, Math.floor(settings.concurrentSteps / 4));
      const batches = await Promise.all(
        range(0, claimers).map((claimer) =>
          harness.adapter.claimDueDeliveries(`holder-${claimer}`, CLAIM_AT, LEASE_MS, 3),
        ),
      );
      const handedOut = batches.flat().map((delivery) => delivery.deliveryId);
      expect(new Set(handedOut).size).toBe(handedOut.length);
      // Every claimer asked for 3, so together they could take everything; whatever they left stays claimable.
      const rest = await claimIds(harness.adapter, "holder-late");
      expect([...handedOut, ...rest].sort()).toEqual(all);
      // Each one is stored under the holder it was handed to.
      const stored = new Map(
        (await deliveriesOf(harness.adapter, subscription)).map((each) => [each.deliveryId, each]),
      );
      batches.forEach((batch, claimer) => {
        for (const delivery of batch)
          expect(stored.get(delivery.deliveryId)?.lease?.holderId).toBe(`holder-${claimer}`);
      });
    });

    it("releaseDeliveries clears only the holder's leases, so peers can claim those deliveries at once", async () => {
      const subscription = await seedSubscription(harness.adapter);
      await seedDeliveries(harness.adapter, subscription, numberedEvents(4));
      const ofA = await claimIds(harness.adapter, "holder-a", CLAIM_AT, 2);
      const ofB = await claimIds(harness.adapter, "holder-b", CLAIM_AT, 2);
      expect(ofA).toHaveLength(2);
      expect(ofB).toHaveLength(2);
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchDeliveries(recorder.listener);
      try {
        await harness.adapter.releaseDeliveries("holder-a");
        await recorder.waitFor(() => true, settings.notificationTimeoutMs, "watchDeliveries after a release");
      } finally {
        stop();
      }
      const stored = await deliveriesOf(harness.adapter, subscription);
      for (const delivery of stored) {
        expect(delivery.lease).toEqual(
          ofA.includes(delivery.deliveryId) ? null : { holderId: "holder-b", expiresAt: CLAIM_AT + LEASE_MS },
        );
        expect(delivery.status).toBe("pending");
      }
      expect(await claimIds(harness.adapter, "holder-c", CLAIM_AT + 1)).toEqual(ofA);
      await harness.adapter.releaseDeliveries("holder-nobody");
      expect((await deliveriesOf(harness.adapter, subscription)).filter((delivery) => delivery.lease === null)).toEqual(
        [],
      );
    });
  });
}
