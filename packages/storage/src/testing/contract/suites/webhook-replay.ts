import { describe, expect, it } from "vitest";
import type { WebhookDeliveryRecord, WebhookSubscriptionRecord } from "../../../records.js";
import { CallRecorder } from "../call-recorder.js";
import { isoAt, newEvent, numberedEvents, T0, uniqueId } from "../../fixtures.js";
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

const REPLAY_AT = isoAt(5 * HOUR);
const REPLAY_AT_MS = T0 + 5 * HOUR;

export function describeWebhookReplay(harness: AdapterHarness, settings: ContractSettings): void {
  /** Dead-letters every delivery of `deliveries` (claiming them first). */
  const deadLetter = async (deliveries: readonly WebhookDeliveryRecord[]): Promise<void> => {
    await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 10_000);
    for (const delivery of deliveries) {
      expect(
        await harness.adapter.recordAttempt(
          attemptOutcome(delivery.deliveryId, "holder-a", { result: { kind: "dead_letter" } }),
        ),
      ).toBe(true);
    }
  };

  const stored = async (subscription: WebhookSubscriptionRecord, deliveryId: string) =>
    (await harness.adapter.getDelivery(subscription.tenantId, subscription.webhookId, deliveryId))?.delivery;

  /** A subscription and dead letters created at the given offsets, with the given types (default node.progress). */
  const seedDeadLetters = async (
    offsets: number[],
    types: string[] = [],
  ): Promise<{ subscription: WebhookSubscriptionRecord; deliveries: WebhookDeliveryRecord[] }> => {
    const subscription = await seedSubscription(harness.adapter, { events: ["node.progress", "node.failed"] });
    const { deliveries } = await seedDeliveries(
      harness.adapter,
      subscription,
      offsets.map((offset, index) =>
        newEvent(types[index] ?? "node.progress", { offset }, { timestamp: isoAt(offset) }),
      ),
    );
    await deadLetter(deliveries);
    return { subscription, deliveries };
  };

  describe("webhook deliveries: replay", () => {
    it("replayDelivery makes a dead letter pending, due at `at`, with a fresh budget, keeping its history", async () => {
      const { subscription, deliveries } = await seedDeadLetters([1]);
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      const dead = (await stored(subscription, delivery.deliveryId)) as WebhookDeliveryRecord;
      expect(dead).toMatchObject({ status: "dead_lettered", attempts: 1, totalAttempts: 1 });

      const replayed = await harness.adapter.replayDelivery(
        "tenant-a",
        subscription.webhookId,
        delivery.deliveryId,
        REPLAY_AT,
      );
      expect(replayed).toEqual({
        ...dead,
        status: "pending",
        attempts: 0,
        nextAttemptAt: REPLAY_AT,
        updatedAt: REPLAY_AT,
        lease: null,
      });
      const found = await harness.adapter.getDelivery("tenant-a", subscription.webhookId, delivery.deliveryId);
      expect(found?.delivery).toEqual(replayed);
      expect(found?.attempts.map((attempt) => attempt.attempt)).toEqual([1]);
      // Due at `at`, not before; and the next attempt is numbered after the old ones.
      expect(await claimIds(harness.adapter, "holder-b", REPLAY_AT_MS - 1)).toEqual([]);
      expect(await claimIds(harness.adapter, "holder-b", REPLAY_AT_MS)).toEqual([delivery.deliveryId]);
      expect(await harness.adapter.recordAttempt(deliveredOutcome(delivery.deliveryId, "holder-b"))).toBe(true);
      expect(
        (await harness.adapter.getDelivery("tenant-a", subscription.webhookId, delivery.deliveryId))?.attempts.map(
          (attempt) => attempt.attempt,
        ),
      ).toEqual([1, 2]);
    });

    it("replayDelivery requeues a delivered delivery too, and takes a leased one from its holder", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const { deliveries } = await seedDeliveries(harness.adapter, subscription, numberedEvents(2));
      const [delivered, inFlight] = deliveries as [WebhookDeliveryRecord, WebhookDeliveryRecord];
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 10);
      await harness.adapter.recordAttempt(deliveredOutcome(delivered.deliveryId, "holder-a", { now: isoAt(4_000) }));

      const again = await harness.adapter.replayDelivery(
        "tenant-a",
        subscription.webhookId,
        delivered.deliveryId,
        REPLAY_AT,
      );
      expect(again).toMatchObject({
        status: "pending",
        attempts: 0,
        totalAttempts: 1,
        nextAttemptAt: REPLAY_AT,
        deliveredAt: isoAt(4_000),
        lease: null,
      });
      const taken = await harness.adapter.replayDelivery(
        "tenant-a",
        subscription.webhookId,
        inFlight.deliveryId,
        REPLAY_AT,
      );
      expect(taken).toMatchObject({ status: "pending", attempts: 0, lease: null, nextAttemptAt: REPLAY_AT });
      // The holder's attempt in flight no longer applies.
      expect(await harness.adapter.recordAttempt(deliveredOutcome(inFlight.deliveryId, "holder-a"))).toBe(false);
      expect((await stored(subscription, inFlight.deliveryId))?.status).toBe("pending");
    });

    it("replayDelivery resolves null for another tenant, another subscription or an unknown delivery, changing nothing", async () => {
      const { subscription, deliveries } = await seedDeadLetters([1]);
      const other = await seedSubscription(harness.adapter);
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      const before = await stored(subscription, delivery.deliveryId);
      expect(
        await harness.adapter.replayDelivery("tenant-b", subscription.webhookId, delivery.deliveryId, REPLAY_AT),
      ).toBeNull();
      expect(
        await harness.adapter.replayDelivery("tenant-a", other.webhookId, delivery.deliveryId, REPLAY_AT),
      ).toBeNull();
      expect(
        await harness.adapter.replayDelivery("tenant-a", subscription.webhookId, uniqueId("dlv"), REPLAY_AT),
      ).toBeNull();
      expect(await stored(subscription, delivery.deliveryId)).toEqual(before);
    });

    it("replayDelivery and resuming a subscription wake watchDeliveries", async () => {
      const { subscription, deliveries } = await seedDeadLetters([1]);
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchDeliveries(recorder.listener);
      try {
        await harness.adapter.replayDelivery(
          "tenant-a",
          subscription.webhookId,
          deliveries[0]?.deliveryId ?? "",
          REPLAY_AT,
        );
        await recorder.waitFor(() => true, settings.notificationTimeoutMs, "watchDeliveries after a replay");
        await harness.adapter.setSubscriptionStatus("tenant-a", subscription.webhookId, "paused", REPLAY_AT);
        const heard = recorder.calls.length;
        await harness.adapter.setSubscriptionStatus("tenant-a", subscription.webhookId, "active", REPLAY_AT);
        await recorder.waitFor(
          () => recorder.calls.length > heard,
          settings.notificationTimeoutMs,
          "watchDeliveries after a resume",
        );
      } finally {
        stop();
      }
    });

    it("replayDeadLetters requeues dead letters oldest first, at most `limit`, and never one twice", async () => {
      const offsets = [400, 100, 300, 200, 500];
      const { subscription, deliveries } = await seedDeadLetters(offsets);
      const idAt = (offset: number): string => deliveries[offsets.indexOf(offset)]?.deliveryId ?? "";
      const requeuedIds = async (): Promise<string[]> =>
        (await deliveriesOf(harness.adapter, subscription))
          .filter((delivery) => delivery.status === "pending")
          .map((delivery) => delivery.deliveryId)
          .sort();

      expect(await harness.adapter.replayDeadLetters("tenant-a", subscription.webhookId, { limit: 2 }, REPLAY_AT)).toBe(
        2,
      );
      expect(await requeuedIds()).toEqual([idAt(100), idAt(200)].sort());
      expect(await harness.adapter.replayDeadLetters("tenant-a", subscription.webhookId, { limit: 2 }, REPLAY_AT)).toBe(
        2,
      );
      expect(await requeuedIds()).toEqual([idAt(100), idAt(200), idAt(300), idAt(400)].sort());
      expect(
        await harness.adapter.replayDeadLetters("tenant-a", subscription.webhookId, { limit: 10 }, REPLAY_AT),
      ).toBe(1);
      expect(
        await harness.adapter.replayDeadLetters("tenant-a", subscription.webhookId, { limit: 10 }, REPLAY_AT),
      ).toBe(0);
      for (const delivery of await deliveriesOf(harness.adapter, subscription)) {
        expect(delivery).toMatchObject({
          status: "pending",
          attempts: 0,
          nextAttemptAt: REPLAY_AT,
          lease: null,
          totalAttempts: 1,
        });
      }
    });

    it("replayDeadLetters selects by creation time, [since, until), and by event type", async () => {
      const offsets = [100, 200, 300, 400];
      const { subscription, deliveries } = await seedDeadLetters(offsets, [
        "node.progress",
        "node.failed",
        "node.progress",
        "node.failed",
      ]);
      const idAt = (offset: number): string => deliveries[offsets.indexOf(offset)]?.deliveryId ?? "";
      const replay = (selection: Parameters<typeof harness.adapter.replayDeadLetters>[2]) =>
        harness.adapter.replayDeadLetters("tenant-a", subscription.webhookId, selection, REPLAY_AT);
      const statusOf = async (offset: number) => (await stored(subscription, idAt(offset)))?.status;

      expect(await replay({ since: isoAt(200), until: isoAt(400), eventTypes: ["node.failed"], limit: 10 })).toBe(1);
      expect([await statusOf(100), await statusOf(200), await statusOf(300), await statusOf(400)]).toEqual([
        "dead_lettered",
        "pending",
        "dead_lettered",
        "dead_lettered",
      ]);
      // `until` is exclusive, `since` inclusive.
      expect(await replay({ until: isoAt(100), limit: 10 })).toBe(0);
      expect(await replay({ since: isoAt(400), limit: 10 })).toBe(1);
      expect(await statusOf(400)).toBe("pending");
      expect(await replay({ eventTypes: ["node.progress"], until: isoAt(101), limit: 10 })).toBe(1);
      expect(await statusOf(100)).toBe("pending");
      expect(await statusOf(300)).toBe("dead_lettered");
    });

    it("replayDeadLetters touches only the subscription's dead letters, within its tenant", async () => {
      const { subscription } = await seedDeadLetters([100, 200]);
      const neighbour = await seedSubscription(harness.adapter, { events: ["node.progress", "node.failed"] });
      // The next run's events go to both: the neighbour's copies become dead letters, the subscription's own fail and deliver.
      const { deliveries: live } = await seedDeliveries(harness.adapter, subscription, numberedEvents(2));
      await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, 10_000);
      const [retried, delivered] = live as [WebhookDeliveryRecord, WebhookDeliveryRecord];
      await harness.adapter.recordAttempt(attemptOutcome(retried.deliveryId, "holder-a"));
      await harness.adapter.recordAttempt(deliveredOutcome(delivered.deliveryId, "holder-a"));
      for (const delivery of await deliveriesOf(harness.adapter, neighbour)) {
        await harness.adapter.recordAttempt(
          attemptOutcome(delivery.deliveryId, "holder-a", { result: { kind: "dead_letter" } }),
        );
      }
      const neighbourBefore = await deliveriesOf(harness.adapter, neighbour);
      expect(neighbourBefore.every((delivery) => delivery.status === "dead_lettered")).toBe(true);

      expect(
        await harness.adapter.replayDeadLetters("tenant-b", subscription.webhookId, { limit: 10 }, REPLAY_AT),
      ).toBe(0);
      expect(
        await harness.adapter.replayDeadLetters("tenant-a", subscription.webhookId, { limit: 10 }, REPLAY_AT),
      ).toBe(2);
      expect(await deliveriesOf(harness.adapter, neighbour)).toEqual(neighbourBefore);
      expect((await stored(subscription, retried.deliveryId))?.status).toBe("failed");
      expect((await stored(subscription, delivered.deliveryId))?.status).toBe("delivered");
    });
  });
}
