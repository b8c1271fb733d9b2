import { describe, expect, it } from "vitest";
import type { DeliveryFilter } from "../../../adapter.js";
import type { WebhookDeliveryRecord } from "../../../records.js";
import { isoAt, newEvent, numberedEvents, T0, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import {
  attemptOutcome,
  CLAIM_AT,
  DAY,
  deliveredOutcome,
  deliveriesOf,
  HOUR,
  LEASE_MS,
  newestFirst,
  seedDeliveries,
  seedSubscription,
} from "../webhook-seeds.js";

export function describeWebhookInspection(harness: AdapterHarness): void {
  describe("webhook deliveries: listing, reading, statistics and retention", () => {
    it("listDeliveries lists the subscription's deliveries newest first, by createdAt then deliveryId", async () => {
      const subscription = await seedSubscription(harness.adapter, { events: ["node.progress", "run.completed"] });
      const other = await seedSubscription(harness.adapter, { events: ["run.completed"] });
      await seedDeliveries(harness.adapter, subscription, [
        newEvent("node.progress", {}, { timestamp: isoAt(300) }),
        newEvent("node.progress", {}, { timestamp: isoAt(100) }),
        // Two at one instant: the delivery ids decide.
        newEvent("node.progress", {}, { timestamp: isoAt(200) }),
        newEvent("run.completed", {}, { timestamp: isoAt(200) }),
      ]);
      const listed = await deliveriesOf(harness.adapter, subscription);
      expect(listed.map((delivery) => delivery.createdAt)).toEqual([isoAt(300), isoAt(200), isoAt(200), isoAt(100)]);
      expect(listed).toEqual([...listed].sort(newestFirst));
      expect(listed.every((delivery) => delivery.webhookId === subscription.webhookId)).toBe(true);
      expect(await deliveriesOf(harness.adapter, other)).toHaveLength(1);
      expect(await harness.adapter.listDeliveries("tenant-b", subscription.webhookId, { limit: 100 })).toEqual([]);
      expect(await harness.adapter.listDeliveries("tenant-a", uniqueId("wh"), { limit: 100 })).toEqual([]);
    });

    it("listDeliveries filters by status, run and event type, together or alone", async () => {
      const subscription = await seedSubscription(harness.adapter, { events: ["node.progress", "run.completed"] });
      const first = await seedDeliveries(harness.adapter, subscription, [
        ...numberedEvents(2),
        newEvent("run.completed"),
      ]);
      const second = await seedDeliveries(harness.adapter, subscription, [
        ...numberedEvents(1),
        newEvent("run.completed"),
      ]);
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 100);
      const [progress0, progress1, completed] = first.deliveries as [
        WebhookDeliveryRecord,
        WebhookDeliveryRecord,
        WebhookDeliveryRecord,
      ];
      await harness.adapter.recordAttempt(attemptOutcome(progress0.deliveryId, "holder-a"));
      await harness.adapter.recordAttempt(deliveredOutcome(completed.deliveryId, "holder-a"));
      await harness.adapter.recordAttempt(
        attemptOutcome(second.deliveries[1]?.deliveryId ?? "", "holder-a", { result: { kind: "dead_letter" } }),
      );
      await harness.adapter.releaseDeliveries("holder-a");

      const ids = async (filter: Omit<DeliveryFilter, "limit">): Promise<string[]> =>
        (await harness.adapter.listDeliveries("tenant-a", subscription.webhookId, { limit: 100, ...filter }))
          .map((delivery) => delivery.deliveryId)
          .sort();
      const sorted = (...deliveries: Array<WebhookDeliveryRecord | undefined>) =>
        deliveries.map((delivery) => delivery?.deliveryId ?? "").sort();
      expect(await ids({ status: "failed" })).toEqual(sorted(progress0));
      expect(await ids({ status: "delivered" })).toEqual(sorted(completed));
      expect(await ids({ status: "dead_lettered" })).toEqual(sorted(second.deliveries[1]));
      expect(await ids({ status: "pending" })).toEqual(sorted(progress1, second.deliveries[0]));
      expect(await ids({ runId: second.runId })).toEqual(sorted(...second.deliveries));
      expect(await ids({ eventType: "run.completed" })).toEqual(sorted(completed, second.deliveries[1]));
      expect(await ids({ eventType: "node.progress", runId: first.runId })).toEqual(sorted(progress0, progress1));
      expect(await ids({ eventType: "node.progress", runId: first.runId, status: "pending" })).toEqual(
        sorted(progress1),
      );
      expect(await ids({ runId: uniqueId("run") })).toEqual([]);
    });

    it("listDeliveries pages by limit and continues strictly after the cursor", async () => {
      const subscription = await seedSubscription(harness.adapter);
      // Pairs share an instant, so pages break between deliveries of one instant too.
      await seedDeliveries(
        harness.adapter,
        subscription,
        [0, 0, 1, 1, 2, 2, 3].map((second) => newEvent("node.progress", {}, { timestamp: isoAt(second * 1_000) })),
      );
      const expected = await deliveriesOf(harness.adapter, subscription);
      expect(expected).toHaveLength(7);
      const pages: WebhookDeliveryRecord[][] = [];
      let page = await harness.adapter.listDeliveries("tenant-a", subscription.webhookId, { limit: 3 });
      while (page.length > 0) {
        pages.push(page);
        const last = page[page.length - 1] as WebhookDeliveryRecord;
        page = await harness.adapter.listDeliveries("tenant-a", subscription.webhookId, {
          limit: 3,
          after: { createdAt: last.createdAt, id: last.deliveryId },
        });
      }
      expect(pages.map((each) => each.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(expected);
      // A cursor between two instants: everything older than it.
      const older = await harness.adapter.listDeliveries("tenant-a", subscription.webhookId, {
        limit: 100,
        after: { createdAt: isoAt(1_500), id: "" },
      });
      expect(older.map((delivery) => delivery.createdAt)).toEqual([isoAt(1_000), isoAt(1_000), isoAt(0), isoAt(0)]);
      expect(await harness.adapter.listDeliveries("tenant-a", subscription.webhookId, { limit: 0 })).toEqual([]);
    });

    it("getDelivery reads one delivery with its attempts, oldest first, only through its own subscription and tenant", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const other = await seedSubscription(harness.adapter);
      const { deliveries } = await seedDeliveries(harness.adapter, subscription, numberedEvents(1));
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      expect(await harness.adapter.getDelivery("tenant-a", subscription.webhookId, delivery.deliveryId)).toEqual({
        delivery,
        attempts: [],
      });
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 10);
      await harness.adapter.recordAttempt(attemptOutcome(delivery.deliveryId, "holder-a"));
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT + 2 * HOUR, LEASE_MS, 10);
      await harness.adapter.recordAttempt(deliveredOutcome(delivery.deliveryId, "holder-a", { now: isoAt(2 * HOUR) }));
      const found = await harness.adapter.getDelivery("tenant-a", subscription.webhookId, delivery.deliveryId);
      expect(found?.attempts.map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
        [1, 503],
        [2, 200],
      ]);
      expect(found?.delivery).toMatchObject({ status: "delivered", totalAttempts: 2, attempts: 1 });
      expect(await harness.adapter.getDelivery("tenant-b", subscription.webhookId, delivery.deliveryId)).toBeNull();
      expect(await harness.adapter.getDelivery("tenant-a", other.webhookId, delivery.deliveryId)).toBeNull();
      expect(await harness.adapter.getDelivery("tenant-a", subscription.webhookId, uniqueId("dlv"))).toBeNull();
    });

    it("deliveryStats counts waiting and dead-lettered deliveries of every tenant, and circuits open at now", async () => {
      expect(await harness.adapter.deliveryStats(T0)).toEqual({
        waiting: 0,
        oldestWaitingAt: null,
        deadLettered: 0,
        openCircuits: 0,
      });
      const ofA = await seedSubscription(harness.adapter, { tenantId: "tenant-a" });
      const ofB = await seedSubscription(harness.adapter, {
        tenantId: "tenant-b",
        circuitOpenUntil: isoAt(HOUR),
        consecutiveFailures: 4,
      });
      await seedSubscription(harness.adapter, { tenantId: "tenant-c", circuitOpenUntil: isoAt(-HOUR) });
      const a = await seedDeliveries(harness.adapter, ofA, [
        newEvent("node.progress", {}, { timestamp: isoAt(500) }),
        newEvent("node.progress", {}, { timestamp: isoAt(600) }),
        newEvent("node.progress", {}, { timestamp: isoAt(700) }),
      ]);
      await seedDeliveries(harness.adapter, ofB, [newEvent("node.progress", {}, { timestamp: isoAt(900) })]);
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 100);
      const [oldest, middle, newest] = a.deliveries as [
        WebhookDeliveryRecord,
        WebhookDeliveryRecord,
        WebhookDeliveryRecord,
      ];
      await harness.adapter.recordAttempt(attemptOutcome(middle.deliveryId, "holder-a"));
      await harness.adapter.recordAttempt(
        attemptOutcome(newest.deliveryId, "holder-a", { result: { kind: "dead_letter" } }),
      );
      await harness.adapter.recordAttempt(deliveredOutcome(oldest.deliveryId, "holder-a"));

      // Waiting: a's failed middle one and b's pending one; the oldest of those is a's middle one.
      expect(await harness.adapter.deliveryStats(T0 + HOUR - 1)).toEqual({
        waiting: 2,
        oldestWaitingAt: isoAt(600),
        deadLettered: 1,
        openCircuits: 1,
      });
      // From the instant it ends, a circuit is closed.
      expect((await harness.adapter.deliveryStats(T0 + HOUR)).openCircuits).toBe(0);
      expect((await harness.adapter.deliveryStats(T0 - 2 * HOUR)).openCircuits).toBe(2);
    });

    it("retention removes an expired run's deliveries and their attempts with it", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const expiring = await seedDeliveries(harness.adapter, subscription, numberedEvents(2), { status: "running" });
      const forced = await seedDeliveries(harness.adapter, subscription, numberedEvents(1), { status: "running" });
      const kept = await seedDeliveries(harness.adapter, subscription, numberedEvents(1), { status: "running" });
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 100);
      const attempted = expiring.deliveries[0] as WebhookDeliveryRecord;
      await harness.adapter.recordAttempt(
        attemptOutcome(attempted.deliveryId, "holder-a", { result: { kind: "dead_letter" } }),
      );
      await harness.adapter.commitStep({
        runId: expiring.runId,
        patch: { status: "completed", completedAt: isoAt(DAY) },
      });
      expect((await harness.adapter.deliveryStats(CLAIM_AT)).deadLettered).toBe(1);

      expect(await harness.adapter.expireRuns(isoAt(2 * DAY), 10, isoAt(3 * DAY))).toEqual([expiring.runId]);
      expect(await harness.adapter.getDelivery("tenant-a", subscription.webhookId, attempted.deliveryId)).toBeNull();
      expect(await deliveriesOf(harness.adapter, subscription, { runId: expiring.runId })).toEqual([]);
      expect(await harness.adapter.deliveryStats(CLAIM_AT)).toMatchObject({ waiting: 2, deadLettered: 0 });

      expect(await harness.adapter.expireRun(forced.runId, isoAt(3 * DAY))).toBe(true);
      expect(await deliveriesOf(harness.adapter, subscription, { runId: forced.runId })).toEqual([]);
      expect((await deliveriesOf(harness.adapter, subscription)).map((delivery) => delivery.deliveryId)).toEqual(
        kept.deliveries.map((delivery) => delivery.deliveryId),
      );
      expect((await harness.adapter.deliveryStats(CLAIM_AT)).waiting).toBe(1);
    });
  });
}
