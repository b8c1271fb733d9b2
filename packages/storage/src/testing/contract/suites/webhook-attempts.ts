import { describe, expect, it } from "vitest";
import type { AttemptOutcome } from "../../../adapter.js";
import type { WebhookDeliveryRecord, WebhookSubscriptionRecord } from "../../../records.js";
import { isoAt, numberedEvents, range, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import type { ContractSettings } from "../options.js";
import {
  attemptOutcome,
  CLAIM_AT,
  DAY,
  deliveredOutcome,
  FAILED_ATTEMPT,
  HOUR,
  LEASE_MS,
  MINUTE,
  seedDeliveries,
  seedSubscription,
} from "../webhook-seeds.js";

export function describeWebhookAttempts(harness: AdapterHarness, settings: ContractSettings): void {
  /** A subscription with `count` deliveries, all leased to `holder-a`. */
  const seedLeased = async (
    count: number,
    overrides: Partial<WebhookSubscriptionRecord> = {},
  ): Promise<{ subscription: WebhookSubscriptionRecord; deliveries: WebhookDeliveryRecord[] }> => {
    const subscription = await seedSubscription(harness.adapter, overrides);
    const { deliveries } = await seedDeliveries(harness.adapter, subscription, numberedEvents(count));
    const claimed = await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT, LEASE_MS, count);
    expect(claimed).toHaveLength(count);
    return { subscription, deliveries };
  };

  const read = async (subscription: WebhookSubscriptionRecord, deliveryId: string) => {
    const found = await harness.adapter.getDelivery(subscription.tenantId, subscription.webhookId, deliveryId);
    if (!found) throw new Error(`delivery ${deliveryId} is missing`);
    return found;
  };
  const subscriptionNow = async (subscription: WebhookSubscriptionRecord): Promise<WebhookSubscriptionRecord | null> =>
    harness.adapter.getSubscription(subscription.tenantId, subscription.webhookId);

  /** Claims the delivery again (its retry due) and records another failure with `outcome`'s settings. */
  const failAgain = async (deliveryId: string, outcome: Partial<AttemptOutcome>): Promise<boolean> => {
    await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT + 2 * HOUR, LEASE_MS, 100);
    return harness.adapter.recordAttempt(
      attemptOutcome(deliveryId, "holder-a", { result: { kind: "retry", nextAttemptAt: isoAt(HOUR) }, ...outcome }),
    );
  };

  describe("webhook deliveries: recording attempts", () => {
    it("a delivered attempt delivers, is recorded as given, and closes the subscription's circuit", async () => {
      const { subscription, deliveries } = await seedLeased(1, {
        consecutiveFailures: 3,
        circuitOpenUntil: isoAt(-MINUTE),
        windowFailures: 5,
      });
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      const outcome = deliveredOutcome(delivery.deliveryId, "holder-a", {
        attempt: { ...FAILED_ATTEMPT, statusCode: 204, responseExcerpt: "", address: "2001:db8::1", latencyMs: 3 },
        now: isoAt(5_000),
      });
      expect(await harness.adapter.recordAttempt(outcome)).toBe(true);
      expect(await read(subscription, delivery.deliveryId)).toEqual({
        delivery: {
          ...delivery,
          status: "delivered",
          deliveredAt: isoAt(5_000),
          nextAttemptAt: null,
          attempts: 0,
          totalAttempts: 1,
          updatedAt: isoAt(5_000),
          lastError: null,
          lease: null,
        },
        attempts: [{ ...outcome.attempt, deliveryId: delivery.deliveryId, attempt: 1 }],
      });
      expect(await subscriptionNow(subscription)).toEqual({
        ...subscription,
        consecutiveFailures: 0,
        circuitOpenUntil: null,
        updatedAt: isoAt(5_000),
      });
    });

    it("a delivered attempt on a closed circuit leaves the subscription as it was, updatedAt included", async () => {
      const { subscription, deliveries } = await seedLeased(1, { windowFailures: 2 });
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      const outcome = deliveredOutcome(delivery.deliveryId, "holder-a", { now: isoAt(5_000) });
      expect(await harness.adapter.recordAttempt(outcome)).toBe(true);
      expect((await read(subscription, delivery.deliveryId)).delivery.status).toBe("delivered");
      expect(await subscriptionNow(subscription)).toEqual(subscription);
    });

    it("a failure to retry makes the delivery failed, due at nextAttemptAt, counting it against the budget", async () => {
      const { subscription, deliveries } = await seedLeased(1);
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      const outcome = attemptOutcome(delivery.deliveryId, "holder-a", {
        attempt: { ...FAILED_ATTEMPT, statusCode: null, error: "connect ECONNREFUSED 203.0.113.7:443", address: null },
        result: { kind: "retry", nextAttemptAt: isoAt(10 * MINUTE) },
        now: isoAt(4_000),
      });
      expect(await harness.adapter.recordAttempt(outcome)).toBe(true);
      expect(await read(subscription, delivery.deliveryId)).toEqual({
        delivery: {
          ...delivery,
          status: "failed",
          nextAttemptAt: isoAt(10 * MINUTE),
          attempts: 1,
          totalAttempts: 1,
          updatedAt: isoAt(4_000),
          lastError: "connect ECONNREFUSED 203.0.113.7:443",
          lease: null,
        },
        attempts: [{ ...outcome.attempt, deliveryId: delivery.deliveryId, attempt: 1 }],
      });
      expect(await subscriptionNow(subscription)).toEqual({
        ...subscription,
        consecutiveFailures: 1,
        windowFailures: 1,
        updatedAt: isoAt(4_000),
      });
    });

    it("a failure without an error names the HTTP status; a dead letter is no longer due", async () => {
      const { subscription, deliveries } = await seedLeased(1);
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      const outcome = attemptOutcome(delivery.deliveryId, "holder-a", {
        attempt: { ...FAILED_ATTEMPT, statusCode: 410, error: null },
        result: { kind: "dead_letter" },
        now: isoAt(4_000),
      });
      expect(await harness.adapter.recordAttempt(outcome)).toBe(true);
      expect((await read(subscription, delivery.deliveryId)).delivery).toEqual({
        ...delivery,
        status: "dead_lettered",
        nextAttemptAt: null,
        attempts: 1,
        totalAttempts: 1,
        updatedAt: isoAt(4_000),
        lastError: "HTTP 410",
        lease: null,
      });
    });

    it("numbers attempts 1, 2, 3… and keeps them oldest first, each exactly as reported", async () => {
      const { subscription, deliveries } = await seedLeased(1);
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      const reported = range(0, 3).map((index) => ({
        ...FAILED_ATTEMPT,
        startedAt: isoAt(HOUR * (index + 1)),
        statusCode: 500 + index,
        latencyMs: 100 + index + 0.25,
        responseExcerpt: `answer ${index} ü`,
      }));
      expect(
        await harness.adapter.recordAttempt(attemptOutcome(delivery.deliveryId, "holder-a", { attempt: reported[0] })),
      ).toBe(true);
      expect(await failAgain(delivery.deliveryId, { attempt: reported[1] })).toBe(true);
      expect(await failAgain(delivery.deliveryId, { attempt: reported[2] })).toBe(true);
      const { delivery: stored, attempts } = await read(subscription, delivery.deliveryId);
      expect(attempts).toEqual(
        reported.map((attempt, index) => ({ ...attempt, deliveryId: delivery.deliveryId, attempt: index + 1 })),
      );
      expect(stored).toMatchObject({ attempts: 3, totalAttempts: 3, status: "failed", lastError: "HTTP 502" });
      expect(await subscriptionNow(subscription)).toMatchObject({ consecutiveFailures: 3, windowFailures: 3 });
    });

    it("without the lease the attempt is only logged: never claimed, or claimed by another holder", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const { deliveries } = await seedDeliveries(harness.adapter, subscription, numberedEvents(2));
      const [unclaimed, ofB] = deliveries as [WebhookDeliveryRecord, WebhookDeliveryRecord];
      expect(await harness.adapter.recordAttempt(deliveredOutcome(unclaimed.deliveryId, "holder-a"))).toBe(false);
      const afterUnclaimed = await read(subscription, unclaimed.deliveryId);
      expect(afterUnclaimed.delivery).toEqual({ ...unclaimed, totalAttempts: 1 });
      expect(afterUnclaimed.attempts.map((attempt) => attempt.attempt)).toEqual([1]);

      await harness.adapter.claimDueDeliveries("holder-b", CLAIM_AT, LEASE_MS, 10);
      const leasedToB = (await read(subscription, ofB.deliveryId)).delivery;
      expect(await harness.adapter.recordAttempt(attemptOutcome(ofB.deliveryId, "holder-a"))).toBe(false);
      const afterForeign = await read(subscription, ofB.deliveryId);
      expect(afterForeign.delivery).toEqual({ ...leasedToB, totalAttempts: 1 });
      expect(afterForeign.attempts).toEqual([{ ...FAILED_ATTEMPT, deliveryId: ofB.deliveryId, attempt: 1 }]);
      // Refused attempts leave the subscription's circuit alone.
      expect(await subscriptionNow(subscription)).toEqual(subscription);
      // The holder's own attempt still applies, numbered after the refused one.
      expect(await harness.adapter.recordAttempt(deliveredOutcome(ofB.deliveryId, "holder-b"))).toBe(true);
      expect((await read(subscription, ofB.deliveryId)).attempts.map((attempt) => attempt.attempt)).toEqual([1, 2]);
    });

    it("a holder whose lease expired and was taken over loses; one whose lease lapsed untouched still holds it", async () => {
      const { subscription, deliveries } = await seedLeased(2);
      const [takenOver, lapsed] = deliveries as [WebhookDeliveryRecord, WebhookDeliveryRecord];
      // Both leases lapse; holder-b takes one of the deliveries over.
      const taken = await harness.adapter.claimDueDeliveries("holder-b", CLAIM_AT + LEASE_MS, LEASE_MS, 1);
      expect(taken).toHaveLength(1);
      const [stolen, untouched] =
        taken[0]?.deliveryId === takenOver.deliveryId ? [takenOver, lapsed] : [lapsed, takenOver];
      expect(await harness.adapter.recordAttempt(deliveredOutcome(stolen.deliveryId, "holder-a"))).toBe(false);
      expect((await read(subscription, stolen.deliveryId)).delivery).toMatchObject({
        status: "pending",
        lease: { holderId: "holder-b" },
      });
      expect(await harness.adapter.recordAttempt(deliveredOutcome(untouched.deliveryId, "holder-a"))).toBe(true);
      expect((await read(subscription, untouched.deliveryId)).delivery).toMatchObject({
        status: "delivered",
        lease: null,
      });
      expect(await harness.adapter.recordAttempt(deliveredOutcome(stolen.deliveryId, "holder-b"))).toBe(true);
    });

    it("the lease ends with the attempt: a second outcome for the same lease is only logged", async () => {
      const { subscription, deliveries } = await seedLeased(1);
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      expect(await harness.adapter.recordAttempt(attemptOutcome(delivery.deliveryId, "holder-a"))).toBe(true);
      expect(await harness.adapter.recordAttempt(deliveredOutcome(delivery.deliveryId, "holder-a"))).toBe(false);
      const { delivery: stored, attempts } = await read(subscription, delivery.deliveryId);
      expect(stored).toMatchObject({ status: "failed", attempts: 1, totalAttempts: 2, deliveredAt: null });
      expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2]);
      expect(await subscriptionNow(subscription)).toMatchObject({ consecutiveFailures: 1, windowFailures: 1 });
    });

    it("an attempt for a delivery that does not exist resolves false and records nothing", async () => {
      expect(await harness.adapter.recordAttempt(attemptOutcome(uniqueId("dlv"), "holder-a"))).toBe(false);
      expect(await harness.adapter.deliveryStats(CLAIM_AT)).toEqual({
        waiting: 0,
        oldestWaitingAt: null,
        deadLettered: 0,
        openCircuits: 0,
      });
    });

    it("the circuit opens at openAfterFailures failures in a row, and a failed probe opens it again", async () => {
      const { subscription, deliveries } = await seedLeased(4);
      const circuit = (hours: number) => ({ openAfterFailures: 3, openUntil: isoAt(hours * HOUR) });
      const fail = (delivery: WebhookDeliveryRecord, hours: number, holder = "holder-a") =>
        harness.adapter.recordAttempt(attemptOutcome(delivery.deliveryId, holder, { circuit: circuit(hours) }));
      const [first, second, third, fourth] = deliveries as [
        WebhookDeliveryRecord,
        WebhookDeliveryRecord,
        WebhookDeliveryRecord,
        WebhookDeliveryRecord,
      ];
      expect(await fail(first, 1)).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({ consecutiveFailures: 1, circuitOpenUntil: null });
      expect(await fail(second, 1)).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({ consecutiveFailures: 2, circuitOpenUntil: null });
      expect(await fail(third, 1)).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({
        consecutiveFailures: 3,
        circuitOpenUntil: isoAt(HOUR),
        status: "active",
      });
      // The probe after the open hour fails: open for another hour from then.
      expect(await fail(fourth, 3)).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({
        consecutiveFailures: 4,
        circuitOpenUntil: isoAt(3 * HOUR),
      });
      expect((await harness.adapter.deliveryStats(CLAIM_AT)).openCircuits).toBe(1);
      expect((await harness.adapter.deliveryStats(CLAIM_AT + 3 * HOUR)).openCircuits).toBe(0);
      // A delivered probe closes it.
      expect(await harness.adapter.claimDueDeliveries("holder-a", CLAIM_AT + 3 * HOUR, LEASE_MS, 1)).toHaveLength(1);
      const [probe] = (await harness.adapter.listDeliveries("tenant-a", subscription.webhookId, { limit: 10 })).filter(
        (delivery) => delivery.lease !== null,
      );
      expect(await harness.adapter.recordAttempt(deliveredOutcome(probe?.deliveryId ?? "", "holder-a"))).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({ consecutiveFailures: 0, circuitOpenUntil: null });
    });

    it("failures within the rolling window count up to the budget, which marks the subscription failed", async () => {
      const { subscription, deliveries: leased } = await seedLeased(4, { failureWindowStartedAt: isoAt(0) });
      const deliveries = leased.slice(0, 3);
      const lastLeased = leased[3] as WebhookDeliveryRecord;
      const budget = { failures: 3, windowMs: HOUR };
      const circuit = { openAfterFailures: 100, openUntil: isoAt(2 * HOUR) };
      const at = [10 * MINUTE, 20 * MINUTE, HOUR];
      for (const [index, delivery] of deliveries.entries()) {
        const outcome = attemptOutcome(delivery.deliveryId, "holder-a", {
          failureBudget: budget,
          circuit,
          now: isoAt(at[index] ?? 0),
        });
        expect(await harness.adapter.recordAttempt(outcome)).toBe(true);
        expect(await subscriptionNow(subscription)).toMatchObject({
          windowFailures: index + 1,
          failureWindowStartedAt: isoAt(0),
          // Exactly windowMs after the window started is still inside it.
          status: index + 1 >= budget.failures ? "failed" : "active",
          updatedAt: isoAt(at[index] ?? 0),
        });
      }
      // Nothing brings a failed subscription back: not a delivered attempt still in flight, not a resume.
      expect(await harness.adapter.recordAttempt(deliveredOutcome(lastLeased.deliveryId, "holder-a"))).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({ status: "failed", consecutiveFailures: 0 });
      await harness.adapter.setSubscriptionStatus("tenant-a", subscription.webhookId, "active", isoAt(2 * HOUR));
      expect((await subscriptionNow(subscription))?.status).toBe("failed");
      // Its retries are never handed out again.
      expect(await harness.adapter.claimDueDeliveries("holder-b", CLAIM_AT + 10 * HOUR, LEASE_MS, 10)).toEqual([]);
    });

    it("a failure after the window has passed restarts the window at now, counting one", async () => {
      const { subscription, deliveries } = await seedLeased(2, {
        failureWindowStartedAt: isoAt(0),
        windowFailures: 2,
        consecutiveFailures: 2,
      });
      const budget = { failures: 3, windowMs: HOUR };
      const [first, second] = deliveries as [WebhookDeliveryRecord, WebhookDeliveryRecord];
      const late = isoAt(HOUR + 1);
      expect(
        await harness.adapter.recordAttempt(
          attemptOutcome(first.deliveryId, "holder-a", { failureBudget: budget, now: late }),
        ),
      ).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({
        windowFailures: 1,
        failureWindowStartedAt: late,
        // Failures in a row are not windowed.
        consecutiveFailures: 3,
        status: "active",
      });
      expect(
        await harness.adapter.recordAttempt(
          attemptOutcome(second.deliveryId, "holder-a", { failureBudget: budget, now: isoAt(HOUR + 2 * MINUTE) }),
        ),
      ).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({
        windowFailures: 2,
        failureWindowStartedAt: late,
        status: "active",
      });
    });

    it("a delivered attempt leaves the failure window alone", async () => {
      const { subscription, deliveries } = await seedLeased(1, {
        failureWindowStartedAt: isoAt(-DAY),
        windowFailures: 9,
        consecutiveFailures: 1,
      });
      expect(await harness.adapter.recordAttempt(deliveredOutcome(deliveries[0]?.deliveryId ?? "", "holder-a"))).toBe(
        true,
      );
      expect(await subscriptionNow(subscription)).toMatchObject({
        windowFailures: 9,
        failureWindowStartedAt: isoAt(-DAY),
        consecutiveFailures: 0,
      });
    });

    it("concurrent failures of one subscription's deliveries all count", async () => {
      const count = Math.max(12, Math.floor(settings.concurrentSteps / 2));
      const { subscription, deliveries } = await seedLeased(count);
      const outcomes = await Promise.all(
        deliveries.map((delivery) =>
          harness.adapter.recordAttempt(
            attemptOutcome(delivery.deliveryId, "holder-a", {
              circuit: { openAfterFailures: count, openUntil: isoAt(HOUR) },
            }),
          ),
        ),
      );
      expect(outcomes.every(Boolean)).toBe(true);
      expect(await subscriptionNow(subscription)).toMatchObject({
        consecutiveFailures: count,
        windowFailures: count,
        circuitOpenUntil: isoAt(HOUR),
      });
    });

    it("concurrent outcomes for one lease: exactly one applies, and both are logged under distinct numbers", async () => {
      const { subscription, deliveries } = await seedLeased(1);
      const delivery = deliveries[0] as WebhookDeliveryRecord;
      const outcomes = await Promise.all(
        range(0, 4).map(() => harness.adapter.recordAttempt(attemptOutcome(delivery.deliveryId, "holder-a"))),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const { delivery: stored, attempts } = await read(subscription, delivery.deliveryId);
      expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3, 4]);
      expect(stored).toMatchObject({ attempts: 1, totalAttempts: 4, status: "failed" });
      expect(await subscriptionNow(subscription)).toMatchObject({ consecutiveFailures: 1, windowFailures: 1 });
    });
  });
}
